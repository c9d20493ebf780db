import Crypto
import Foundation
import SQLKit
import WhistleCore

/// Files received with demands (a resident's photo), stored in the database by SHA-256: the same photo sent
/// twice is stored once. A demand's attachments name them as `file:<sha256>`.
public struct FileRepository: Sendable {
    let store: any Store
    /// Most bytes one file may have.
    public static let maximumSize = 10 * 1024 * 1024
    /// What residents' apps send: photos.
    public static let acceptedTypes: Set<String> = ["image/jpeg", "image/png", "image/gif", "image/webp", "image/heic"]

    public init(store: any Store) { self.store = store }

    /// Keeps a file; returns its reference (`file:<sha256>`).
    public func keep(_ bytes: [UInt8], contentType: String, now: Date) async throws -> String {
        let sha = SHA256.hash(data: bytes).hexString
        try await store.write { db in
            try await db.raw("""
                INSERT INTO files (sha256, content_type, size, bytes, created_at)
                VALUES (\(bind: sha), \(bind: contentType), \(bind: bytes.count), \(bind: Data(bytes)), \(bind: now.millisecondsSince1970))
                ON CONFLICT (sha256) DO NOTHING
                """).run()
        }
        return "file:" + sha
    }

    /// Records which demand the files came with (the first demand that named each keeps it).
    public func attach(_ references: [String], to demandID: String) async throws {
        let shas = references.compactMap { $0.hasPrefix("file:") ? String($0.dropFirst(5)) : nil }
        guard !shas.isEmpty else { return }
        try await store.write { db in
            try await db.raw("UPDATE files SET demand_id = \(bind: demandID) WHERE sha256 IN (\(binds: shas)) AND demand_id IS NULL").run()
        }
    }

    /// A stored file with its type and the demand it came with.
    public func file(_ sha: String) async throws -> (bytes: Data, contentType: String, demandID: String?)? {
        try await store.read { db in
            try await db.raw("SELECT bytes, content_type, demand_id FROM files WHERE sha256 = \(bind: sha)").first().map {
                (try $0.decode(column: "bytes", as: Data.self), try $0.decode(column: "content_type", as: String.self),
                 try $0.decode(column: "demand_id", as: String?.self))
            }
        }
    }
}
