import Foundation
import Hummingbird
import Prometheus
import WhistleStore

/// Health, readiness, metrics, the API document and its reference page.
struct OperationalRoutes {
    let store: any Store
    let registry: PrometheusCollectorRegistry

    func register(on router: Router<WhistleRequestContext>) {
        // Liveness: the process answers.
        router.get("healthz") { _, _ in Self.json(["status": "ok"]) }

        // Readiness: the store answers and every migration is applied.
        router.get("readyz") { _, _ in
            do {
                let pending = try await Migrator.pending(store)
                guard pending.isEmpty else {
                    return Self.json(["status": "unavailable", "reason": "migrations pending: \(pending.joined(separator: ", "))"], status: .serviceUnavailable)
                }
                return Self.json(["status": "ready", "engine": store.engine.rawValue])
            } catch {
                return Self.json(["status": "unavailable", "reason": "store unreachable"], status: .serviceUnavailable)
            }
        }

        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }

        router.get("openapi.yaml") { _, _ in try Self.resource("openapi", "yaml", type: "application/yaml; charset=utf-8") }
        // The same document for people (rendered by scripts/generate-openapi.sh).
        router.get("api/reference") { _, _ in try Self.resource("api-reference", "html", type: "text/html; charset=utf-8") }
    }

    private static func resource(_ name: String, _ ext: String, type: String) throws -> Response {
        guard let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Resources"), let data = try? Data(contentsOf: url) else {
            throw HTTPError(.notFound)
        }
        return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    private static func json(_ object: [String: String], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
