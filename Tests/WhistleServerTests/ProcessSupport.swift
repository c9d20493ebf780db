import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The `whistle` executable built beside the tests.
let whistleExecutable: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appending(path: "../../.build/debug/whistle").standardized

struct Finished { var status: Int32; var output: String; var errors: String }

/// Runs a `whistle` command to its end.
func runWhistle(_ arguments: [String], environment: [String: String] = [:]) throws -> Finished {
    let process = Process()
    process.executableURL = whistleExecutable
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Finished(status: process.terminationStatus, output: String(decoding: out, as: UTF8.self), errors: String(decoding: err, as: UTF8.self))
}

/// A `whistle serve` process whose logs go to a file (a pipe nobody reads would fill up and stall it).
final class ServerProcess: Sendable {
    let process: Process
    let log: URL

    init(arguments: [String], environment: [String: String] = [:]) throws {
        log = FileManager.default.temporaryDirectory.appending(path: "whistle-serve-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process = Process()
        process.executableURL = whistleExecutable
        process.arguments = arguments + ["--log-format", "text"]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    func waitUntilReady(port: Int) async throws {
        for _ in 0..<300 {
            if !process.isRunning { break }
            if let (status, _) = try? await get(port, "/readyz"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        let logged = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        process.terminate()
        Issue.record("server did not become ready; its log:\n\(logged)")
        throw CancellationError()
    }

    /// The end of the server's log, for failure messages.
    func logTail(lines: Int = 40) -> String {
        let all = ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n")
        // Warnings and errors first: they are what a failure is about.
        let alarming = all.filter { !$0.contains(" info ") && !$0.contains(" debug ") }
        return (alarming.suffix(lines) + ["… (\(all.count) lines; last:)"] + all.suffix(5)).joined(separator: "\n")
    }

    /// Sends the signal and waits up to 15 s for the process to end; returns its exit status.
    func stop(signal: Int32) async throws -> Int32 {
        kill(process.processIdentifier, signal)
        for _ in 0..<150 where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            Issue.record("server did not stop within 15 s of signal \(signal)")
        }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: log)
        return process.terminationStatus
    }
}

func get(_ port: Int, _ path: String, token: String? = nil) async throws -> (Int, String) {
    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
    if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
    let (data, response) = try await URLSession.shared.data(for: request)
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
}

func post(_ port: Int, _ path: String, token: String?, json: String) async throws -> (Int, String) {
    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
    request.httpMethod = "POST"
    request.httpBody = Data(json.utf8)
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
    let (data, response) = try await URLSession.shared.data(for: request)
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
}

/// A free port on 127.0.0.1, chosen at random from a high range.
func randomPort() -> Int { Int.random(in: 30_000...60_000) }
