import Crypto
import Foundation
import SQLKit
import WhistleCore

/// API keys of Open311 client applications (GeoReport v2 requires one to post a request): one a client,
/// stored as a SHA-256 only, shown once when issued, revocable, kept on record after revocation.
public struct Open311KeyRepository: Sendable {
    let store: any Store

    public init(store: any Store) { self.store = store }

    /// Issues a key for a client application (its name, e.g. "朝阳区随手拍"); returns the key (shown once).
    public func issue(client: String, now: Date) async throws -> String {
        var generator = SystemRandomNumberGenerator()
        let key = "o311_" + (0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexString
        try await store.write { [store] db in
            try await db.raw("""
                INSERT INTO open311_keys (key_hash, client, created_at) VALUES (\(bind: TokenRepository.digest(key)), \(bind: client), \(bind: now.millisecondsSince1970))
                """).run()
            try await AuditLog.append([AuditEntry(
                subjectType: "open311_client", subjectID: client, kind: "open311.key_issued", at: now,
                details: ["key": String(TokenRepository.digest(key).prefix(12))])], engine: store.engine, in: db)
        }
        return key
    }

    /// Revokes a key; false when it was unknown or already revoked.
    public func revoke(_ key: String, now: Date) async throws -> Bool {
        try await store.write { [store] db in
            let row = try await db.raw("""
                UPDATE open311_keys SET revoked_at = \(bind: now.millisecondsSince1970)
                WHERE key_hash = \(bind: TokenRepository.digest(key)) AND revoked_at IS NULL RETURNING client
                """).first()
            guard let client = try row?.decode(column: "client", as: String.self) else { return false }
            try await AuditLog.append([AuditEntry(
                subjectType: "open311_client", subjectID: client, kind: "open311.key_revoked", at: now,
                details: ["key": String(TokenRepository.digest(key).prefix(12))])], engine: store.engine, in: db)
            return true
        }
    }

    /// The client a live key belongs to.
    public func client(for key: String) async throws -> String? {
        try await store.read { db in
            try await db.raw("SELECT client FROM open311_keys WHERE key_hash = \(bind: TokenRepository.digest(key)) AND revoked_at IS NULL")
                .first()?.decode(column: "client", as: String.self)
        }
    }
}
