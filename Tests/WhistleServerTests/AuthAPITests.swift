import Configuration
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import WhistleCore
import WhistleStore

/// Console sign-in: the session cookie's attributes, CSRF on every change, sign-out, role choice, lockout.
@Suite struct AuthAPITests {
    static let settings: [AbsoluteConfigKey: ConfigValue] = ["auth.passwordRounds": 1_000, "auth.secureCookies": false, "intake.public.perMinute": 1]
    static let people = TestApp.people.merging(["two-hats": (.dispatcher, "110000-RXZX")]) { $1 }

    static func prepare(_ store: any Store) async throws {
        let sessions = SessionRepository(store: store, rounds: 1_000)
        for person in ["agent", "two-hats"] { try await sessions.setPassword("正确的密码 correct", for: person, now: Date()) }
        try await PeopleRepository(store: store).grant(RoleAssignment(personID: "two-hats", role: .callbackAgent, unitCode: "110000-RXZX"), now: Date())
        await #expect(throws: SessionError.weakPassword) { try await sessions.setPassword("short", for: "agent", now: Date()) }
    }

    static func login(_ client: some TestClientProtocol, _ person: String, _ password: String, role: String? = nil) async throws -> TestResponse {
        let extra = role.map { #","role":"\#($0)","unitCode":"110000-RXZX""# } ?? ""
        return try await client.send(.post, "/api/v1/auth/login", json: #"{"personId":"\#(person)","password":"\#(password)"\#(extra)}"#)
    }

    @Test func aSessionChangesNothingWithoutItsCSRFToken() async throws {
        try await TestApp.withClient(people: Self.people, settings: Self.settings, prepare: Self.prepare) { client, _ in
            for (person, password) in [("agent", "错误的密码 wrong!"), ("nobody", "正确的密码 correct")] {
                let refused = try await Self.login(client, person, password)
                #expect(refused.status == .unauthorized && refused.object["code"] as? String == "auth.wrong_credentials")
            }
            let signedIn = try await Self.login(client, "agent", "正确的密码 correct")
            #expect(signedIn.status == .ok)
            let setCookie = try #require(signedIn.headers[.setCookie])
            #expect(setCookie.hasPrefix("whistle_session=wss_") && setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"))
            let cookie = String(setCookie.split(separator: ";")[0])
            let csrf = try #require(signedIn.object["csrfToken"] as? String)
            #expect(signedIn.object["role"] as? String == "hotline_agent")

            let me = try await client.send(.get, "/api/v1/auth/session", headers: [.cookie: cookie])
            #expect(me.status == .ok && me.object["personId"] as? String == "agent" && me.object["csrfToken"] as? String == csrf)
            let demand = #"{"type":"complaint","channel":"phone","content":"路灯不亮"}"#
            let forged = try await client.send(.post, "/api/v1/demands", json: demand, headers: [.cookie: cookie])
            #expect(forged.status == .forbidden && forged.object["code"] as? String == "auth.csrf_mismatch")
            let wrong = try await client.send(.post, "/api/v1/demands", json: demand, headers: [.cookie: cookie, .csrfToken: "nope"])
            #expect(wrong.status == .forbidden)
            // Signed in, the hotline is not limited like anonymous intake (one a minute here).
            for _ in 0..<3 {
                #expect(try await client.send(.post, "/api/v1/demands", json: demand, headers: [.cookie: cookie, .csrfToken: csrf]).status == .created)
            }

            let out = try await client.send(.post, "/api/v1/auth/logout", headers: [.cookie: cookie, .csrfToken: csrf])
            #expect(out.status == .noContent && out.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(try await client.send(.get, "/api/v1/auth/session", headers: [.cookie: cookie]).status == .unauthorized)
        }
    }

    @Test func severalRolesAreChosenAndRepeatedFailuresLock() async throws {
        try await TestApp.withClient(people: Self.people, settings: Self.settings, prepare: Self.prepare) { client, _ in
            let ambiguous = try await Self.login(client, "two-hats", "正确的密码 correct")
            #expect(ambiguous.status == .badRequest && ambiguous.object["code"] as? String == "auth.choose_role")
            let chosen = try await Self.login(client, "two-hats", "正确的密码 correct", role: "callback_agent")
            #expect(chosen.status == .ok && chosen.object["role"] as? String == "callback_agent")
            let wrongRole = try await Self.login(client, "two-hats", "正确的密码 correct", role: "supervisor")
            #expect(wrongRole.status == .badRequest && wrongRole.object["code"] as? String == "access.role_not_held")

            for _ in 0..<SessionRepository.maximumFailures {
                #expect(try await Self.login(client, "agent", "错误的密码 wrong!").object["code"] as? String == "auth.wrong_credentials")
            }
            let locked = try await Self.login(client, "agent", "正确的密码 correct")
            #expect(locked.status == .unauthorized && locked.object["code"] as? String == "auth.locked")
        }
    }
}

extension HTTPField.Name {
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
}
