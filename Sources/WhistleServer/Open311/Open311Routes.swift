import Foundation
import Hummingbird
import WhistleCore
import WhistleStore

/// Open311 GeoReport v2 (SPEC §8), so existing 311 apps can file demands and follow them: discovery at
/// `/open311/discovery.{xml,json}`, the endpoint at `/open311/v2/`. Services are the taxonomy's active
/// categories that carry a service code; requests are demands, numbered by their 工单编号. Filing needs an
/// API key (`whistle open311 key issue`); reading is public, and shows only demands received through public
/// channels that are not confidential (保密), never a complainant.
struct Open311Routes {
    let demands: DemandRepository
    let keys: Open311KeyRepository
    let files: FileRepository
    let desk: DispatchDesk
    let configuration: LoopConfiguration
    let clock: @Sendable () -> Date
    /// `open311.perMinute`: requests one client application (API key) may file a minute.
    let perMinute: Double
    private let buckets = PublicIntakeLimit.Buckets()

    /// Most requests one query returns (GeoReport: the first 1,000) and its longest window (90 days).
    static let maximumPageSize = 1_000
    static let maximumWindow: TimeInterval = 90 * 86_400
    static let publicChannels: Set<Channel> = [.web, .app, .wechat, .weibo, .open311]

    func register(on router: Router<WhistleRequestContext>) {
        router.get("open311/:file") { request, context in
            try await respond(context) { format in
                guard try Self.name(context) == "discovery" else { throw Open311Error.notFound("no such resource") }
                return (Self.discovery(base: Self.base(of: request)), "discovery")
            }
        }
        router.get("open311/v2/:file") { request, context in
            try await respond(context) { format in
                switch try Self.name(context) {
                case "services": return (services(), "services")
                case "requests": return (try await requests(Open311Parameters(query: request), base: Self.base(of: request)), "service_requests")
                case "servicerequestupdates": return (try await updates(Open311Parameters(query: request)), "service_request_updates")
                default: throw Open311Error.notFound("no such resource")
                }
            }
        }
        router.post("open311/v2/:file") { request, context in
            try await respond(context) { _ in
                let form = try await Open311Parameters(form: request, limit: FileRepository.maximumSize + 64 * 1024).merging(Open311Parameters(query: request))
                switch try Self.name(context) {
                case "requests": return (try await file(form), "service_requests")
                case "servicerequestupdates": return (try await update(form), "service_request_updates")
                default: throw Open311Error.notFound("no such resource")
                }
            }
        }
        for path in ["open311/v2/services/:file", "open311/v2/service/:file"] {
            router.get(RouterPath(path)) { _, context in
                try await respond(context) { _ in (try definition(try Self.name(context)), "service_definition") }
            }
        }
        router.get("open311/v2/requests/:file") { request, context in
            try await respond(context) { format in
                var query = Open311Parameters(query: request)
                query.values["service_request_id"] = [try Self.name(context)]
                let found = try await requests(query, base: Self.base(of: request))
                guard case let .list(_, items) = found, !items.isEmpty else { throw Open311Error.notFound("service_request_id not found") }
                return (found, "service_requests")
            }
        }
        // Photos sent with public requests (multipart `media`), as GeoReport's media_url points to them.
        router.get("open311/v2/media/:sha") { _, context in
            guard let sha = context.parameters.get("sha"), sha.count == 64, let file = try await files.file(sha), let demandID = file.demandID,
                  let demand = try? await demands.demand(id: demandID), Self.publicChannels.contains(demand.channel), !demand.complainant.confidential
            else { throw HTTPError(.notFound) }
            return Response(status: .ok, headers: [.contentType: file.contentType, .cacheControl: "public, max-age=86400, immutable"],
                            body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
        }
        router.get("open311/v2/tokens/:file") { _, context in
            // Every service is realtime: a request gets its id at once and no token is ever issued.
            try await respond(context) { _ in throw Open311Error.notFound("token not found: requests get their id at once") }
        }
    }

    // MARK: - Services

    private func services() -> Open311Value {
        let taxonomy = desk.advisor.taxonomy
        return .list(item: "service", taxonomy.leaves.filter { $0.serviceCode != nil }.map { category in
            let path = taxonomy.ancestors(of: category.code).reversed().map(\.name)
            return .object([
                ("service_code", .text(category.serviceCode)), ("service_name", .text(category.name)),
                ("description", .text(path.joined(separator: " / "))), ("metadata", .bool(!category.attributes.isEmpty)), ("type", .text("realtime")),
                ("keywords", .text(path.joined(separator: ","))), ("group", .text(path.first)),
            ])
        })
    }

    private func definition(_ serviceCode: String) throws -> Open311Value {
        guard let category = desk.advisor.taxonomy.category(serviceCode: serviceCode), category.active else {
            throw Open311Error.notFound("service_code \(serviceCode) not found")
        }
        return .object([("service_code", .text(category.serviceCode)), ("attributes", .list(item: "attribute", category.attributes.map { attribute in
            .object([
                ("variable", .bool(attribute.variable)), ("code", .text(attribute.code)), ("datatype", .text(attribute.datatype.rawValue)),
                ("required", .bool(attribute.required)), ("datatype_description", .text(attribute.datatypeDescription)),
                ("order", .number(Double(attribute.order))), ("description", .text(attribute.description)),
                ("values", .list(item: "value", attribute.values.map { .object([("key", .text($0.key)), ("name", .text($0.name))]) })),
            ])
        }))])
    }

    // MARK: - Requests

    private func requests(_ query: Open311Parameters, base: String) async throws -> Open311Value {
        let now = clock()
        var publicQuery: DemandRepository.PublicQuery
        if let ids = query.list("service_request_id") {
            publicQuery = .init(
                channels: Self.publicChannels, numbers: ids, categories: nil, open: nil, received: Date.distantPast...now, updated: nil,
                offset: 0, limit: Self.maximumPageSize)
        } else {
            let end = try query.date("end_date") ?? now
            let start = try query.date("start_date") ?? end.addingTimeInterval(-Self.maximumWindow)
            guard start <= end else { throw Open311Error.invalid("start_date is after end_date") }
            guard end.timeIntervalSince(start) <= Self.maximumWindow else { throw Open311Error.invalid("start_date to end_date spans more than 90 days") }
            let statuses = Set(query.list("status") ?? [])
            guard statuses.isSubset(of: ["open", "closed"]) else { throw Open311Error.invalid("status must be open or closed") }
            let taxonomy = desk.advisor.taxonomy
            let categories = try query.list("service_code").map { codes in
                try codes.map { code in
                    guard let category = taxonomy.category(serviceCode: code) else { throw Open311Error.invalid("service_code \(code) not found") }
                    return category.code
                }
            }
            let pageSize = try query.integer("page_size", in: 1...Self.maximumPageSize) ?? Self.maximumPageSize
            let page = try query.integer("page", in: 1...1_000_000) ?? 1
            let after = try query.date("updated_after"), before = try query.date("updated_before")
            publicQuery = .init(
                channels: Self.publicChannels, numbers: nil, categories: categories, open: statuses.count == 1 ? statuses.contains("open") : nil,
                received: start...end,
                updated: after != nil || before != nil ? (after ?? .distantPast)...(before ?? .distantFuture) : nil,
                offset: (page - 1) * pageSize, limit: pageSize)
        }
        // 保密 is inside the document; a page can be shorter than page_size by the confidential demands on it.
        let found = try await demands.publicDemands(publicQuery).filter { !$0.complainant.confidential }
        let rules = configuration.rules(at: now), advisor = desk.advisor
        var items: [Open311Value] = []
        for demand in found {
            let notes = query.flag("extensions") ? try await demands.events(of: demand.id) : nil
            items.append(record(demand, advisor: advisor, rules: rules, at: now, notes: notes, base: base))
        }
        return .list(item: "request", items)
    }

    /// A demand as a GeoReport request: Whistle's states onto open/closed with the state in `status_notes`,
    /// the primary unit onto `agency_responsible`, the resolution deadline onto `expected_datetime`.
    private func record(
        _ demand: Demand, advisor: DispatchAdvisor, rules: LoopRules, at now: Date, notes: [AuditEntry]?, base: String
    ) -> Open311Value {
        let category = demand.categoryCode.flatMap { advisor.taxonomy.category($0) }
        let primary = demand.primaryOrder
        let expected = primary.flatMap { order in
            try? order.resolution.dueAt(rules.calendar(forUnit: order.unitCode), asOf: now)
        }
        var fields: [(String, Open311Value)] = [
            ("service_request_id", .text(demand.number)), ("status", .text(demand.status.isTerminal ? "closed" : "open")),
            ("status_notes", .text(demand.status.nameZh)), ("service_name", .text(category?.name)),
            ("service_code", .text(category?.serviceCode ?? demand.categoryCode)), ("description", .text(String(demand.content.prefix(4000)))),
            ("agency_responsible", .text(primary.map { advisor.units[$0.unitCode]?.name ?? $0.unitCode })), ("service_notice", .text(nil)),
            ("requested_datetime", .text(Self.timestamp(demand.createdAt))), ("updated_datetime", .text(Self.timestamp(demand.updatedAt))),
            ("expected_datetime", .text(expected.map(Self.timestamp))), ("address", .text(demand.location.address)),
            ("address_id", .text(demand.location.gridCode)), ("zipcode", .text(nil)),
            ("lat", demand.location.coordinate.map { .number($0.latitude) } ?? .text(nil)),
            ("long", demand.location.coordinate.map { .number($0.longitude) } ?? .text(nil)),
            ("media_url", .text(demand.attachments.first.map { $0.hasPrefix("file:") ? "\(base)/media/\($0.dropFirst(5))" : $0 })),
        ]
        if let notes {
            fields.append(("extended_attributes", .object([
                ("channel", .text(demand.channel.rawValue)), ("grid", .text(demand.location.gridCode)),
                ("area", .text(demand.location.areaCode)), ("parent_service_request_id", .text(demand.parentID)),
            ])))
            fields.append(("notes", .list(item: "note", notes.map { entry in
                .object([("datetime", .text(Self.timestamp(entry.at))), ("type", .text(Self.noteType(entry.kind))),
                         ("summary", .text(entry.kind)), ("description", .text(entry.kind))])
            })))
        }
        return .object(fields)
    }

    private static func noteType(_ kind: String) -> String {
        switch kind {
        case "demand.received": "submitted"
        case "order.dispatched", "demand.dispatched": "opened"
        case "order.closed", "demand.closed", "demand.merged": "closed"
        default: "activity"
        }
    }

    /// POST requests: a demand on the Open311 channel, the category by service code, the place by
    /// coordinates or address, the submitter as complainant.
    private func file(_ form: Open311Parameters) async throws -> Open311Value {
        guard let key = form.value("api_key") else { throw Open311Error.forbidden("api_key is required") }
        guard try await keys.client(for: key) != nil else { throw Open311Error.forbidden("invalid api_key") }
        if let wait = buckets.take(key, perMinute: perMinute, now: clock()) {
            throw Open311Error(status: 429, description: "too many requests with this api_key: retry after \(Int(wait.rounded(.up))) s")
        }
        guard let code = form.value("service_code") else { throw Open311Error.invalid("service_code is required") }
        guard let category = desk.advisor.taxonomy.category(serviceCode: code), category.active else {
            throw Open311Error.notFound("service_code \(code) not found")
        }
        let coordinate: Coordinate?
        switch (form.value("lat").map(Double.init), form.value("long").map(Double.init)) {
        case (nil, nil): coordinate = nil
        case let ((latitude?)?, (longitude?)?): coordinate = Coordinate(longitude: longitude, latitude: latitude)
        default: throw Open311Error.invalid("lat and long must both be given as numbers")
        }
        let address = form.value("address_string") ?? ""
        guard coordinate != nil || !address.isEmpty || form.value("address_id") != nil else {
            throw Open311Error.invalid("a location is required: lat and long, address_string or address_id")
        }
        let description = form.value("description") ?? category.name
        guard description.count <= 4_000 else { throw Open311Error.invalid("description is longer than 4000 characters") }
        // Answers to the service's questions (attribute[CODE], attribute[CODE][]) are checked against their
        // definitions and kept with the text, labelled with the question.
        for attribute in category.attributes {
            if let problem = attribute.check(form.values["attribute[\(attribute.code)]"] ?? []) { throw Open311Error.invalid(problem) }
        }
        let answers = form.values.keys.sorted().filter { $0.hasPrefix("attribute[") }.map { key in
            let code = String(key.dropFirst("attribute[".count).dropLast())
            let attribute = category.attributes.first { $0.code == code }
            let shown = form.values[key]!.map { answer in attribute?.values.first { $0.key == answer }?.name ?? answer }
            return "\(attribute?.description ?? code)：\(shown.joined(separator: "、"))"
        }
        let name = [form.value("last_name"), form.value("first_name")].compactMap { $0 }.joined()
        var draft = DemandDraft(
            type: .help, channel: .open311, categoryCode: category.code, title: category.name,
            content: ([description] + (answers.isEmpty ? [] : ["", "附加信息 attributes:"] + answers)).joined(separator: "\n"),
            location: DemandLocation(address: address, coordinate: coordinate, gridCode: form.value("address_id").flatMap { $0.count == 15 ? $0 : nil }),
            complainant: Complainant(name: name.isEmpty ? nil : name, phone: form.value("phone")),
            attachments: try await stored(form.uploads) + (form.list("media_url") ?? []))
        draft.location = desk.advisor.located(draft.location)
        let now = clock()
        let intake = try await demands.receive(draft, idempotencyKey: nil, by: nil, at: now, rules: configuration.rules(at: now))
        try await files.attach(intake.demand.attachments, to: intake.demand.id)
        return .list(item: "request", [.object([
            ("service_request_id", .text(intake.demand.number)),
            ("service_notice", .text("已受理，工单编号 \(intake.demand.number) / received as \(intake.demand.number)")), ("account_id", .text(nil)),
        ])])
    }

    /// Keeps the photos of a multipart request; only images are taken.
    private func stored(_ uploads: [Open311Parameters.Upload]) async throws -> [String] {
        var references: [String] = []
        for upload in uploads {
            guard FileRepository.acceptedTypes.contains(upload.contentType) else {
                throw Open311Error.invalid("media must be a photo (\(FileRepository.acceptedTypes.sorted().joined(separator: ", "))), not \(upload.contentType)")
            }
            guard upload.bytes.count <= FileRepository.maximumSize else { throw Open311Error.invalid("media is larger than 10 MB") }
            references.append(try await files.keep(upload.bytes, contentType: upload.contentType, now: clock()))
        }
        return references
    }

    // MARK: - FixMyStreet's updates (servicerequestupdates)

    /// The public progress of public demands in a window [the last 24 hours], as FixMyStreet's extended
    /// statuses: what a resident would want to hear, not the centre's internal steps (urges, lights).
    private func updates(_ query: Open311Parameters) async throws -> Open311Value {
        let end = try query.date("end_date") ?? clock()
        let start = try query.date("start_date") ?? end.addingTimeInterval(-86_400)
        guard start <= end, end.timeIntervalSince(start) <= Self.maximumWindow else {
            throw Open311Error.invalid("start_date must precede end_date, at most 90 days apart")
        }
        let events = try await demands.events(in: start...end, limit: Self.maximumPageSize)
        return .list(item: "request_update", events.compactMap { seq, entry, demand -> Open311Value? in
            guard Self.publicChannels.contains(demand.channel), !demand.complainant.confidential,
                  let status = Self.fixMyStreetStatus(entry.kind) else { return nil }
            let description = LoopEventKind(rawValue: entry.kind).map(Self.residentText) ?? ""
            return .object([
                ("update_id", .text(String(seq))), ("service_request_id", .text(demand.number)), ("status", .text(status)),
                ("updated_datetime", .text(Self.timestamp(entry.at))), ("description", .text(description)), ("media_url", .text("")),
            ])
        })
    }

    /// A resident's comment from a FixMyStreet-style client, recorded on the demand's trail.
    private func update(_ form: Open311Parameters) async throws -> Open311Value {
        guard let key = form.value("api_key") else { throw Open311Error.forbidden("api_key is required") }
        guard let client = try await keys.client(for: key) else { throw Open311Error.forbidden("invalid api_key") }
        guard let number = form.value("service_request_id") else { throw Open311Error.invalid("service_request_id is required") }
        guard let updateID = form.value("update_id") ?? form.value("update_id_ext") else { throw Open311Error.invalid("update_id is required") }
        guard let description = form.value("description"), description.count <= 4_000 else {
            throw Open311Error.invalid("description is required, at most 4000 characters")
        }
        guard let demand = try await demands.demand(number: number), Self.publicChannels.contains(demand.channel) else {
            throw Open311Error.notFound("service_request_id \(number) not found")
        }
        _ = try await demands.recordResidentUpdate(
            number: demand.number, updateID: updateID, client: client, description: description, media: form.list("media_url") ?? [], at: clock())
        return .list(item: "request_update", [.object([("update_id", .text(updateID)), ("account_id", .text(nil))])])
    }

    /// FixMyStreet's status for a loop event, or nil for the centre's internal steps.
    static func fixMyStreetStatus(_ kind: String) -> String? {
        switch LoopEventKind(rawValue: kind) {
        case .demandReceived: "open"
        case .demandDispatched, .demandRedispatched, .orderReassigned: "action_scheduled"
        case .orderSigned, .orderContacted, .orderProgressNoted, .orderUnparked: "in_progress"
        case .orderResultReported: "fixed"
        case .orderReturnApproved: "internal_referral"
        case .orderParked: "no_further_action"
        case .demandReopened: "reopen"
        case .demandMerged: "duplicate"
        case .demandClosed: "closed"
        default: nil
        }
    }

    private static func residentText(_ kind: LoopEventKind) -> String {
        switch kind {
        case .demandReceived: "已受理 received"
        case .demandDispatched, .demandRedispatched, .orderReassigned: "已派单 dispatched"
        case .orderSigned: "承办单位已签收 signed for"
        case .orderContacted: "承办单位已联系您 contacted"
        case .orderProgressNoted: "办理中 in progress"
        case .orderUnparked: "恢复办理 resumed"
        case .orderResultReported: "已办结，待回访 done, awaiting callback"
        case .orderReturnApproved: "重新派单中 being re-dispatched"
        case .orderParked: "暂缓办理 deferred"
        case .demandReopened: "重新办理 reopened"
        case .demandMerged: "已与同类诉求合并 merged with the same problem"
        case .demandClosed: "已结案 closed"
        default: ""
        }
    }

    // MARK: - Plumbing

    /// Runs a handler for the format the resource's suffix names, answering refusals with GeoReport's error
    /// document in that format.
    private func respond(_ context: WhistleRequestContext, _ body: (Open311Format) async throws -> (Open311Value, String)) async throws -> Response {
        guard let file = context.parameters.get("file"), let (_, format) = Open311Format.split(file) else {
            return Open311Value.errors(status: 404, description: "use a .xml or .json suffix").response(root: "errors", as: .json, status: .notFound)
        }
        do {
            let (value, root) = try await body(format)
            return value.response(root: root, as: format)
        } catch {
            let problem = Problem(error, path: "")
            let status = error as? Open311Error
            let code = status?.status ?? (problem.status == 404 ? 404 : problem.status == 403 || problem.status == 401 ? 403 : 400)
            let description = status?.description ?? "\(problem.messageEn) (\(problem.code))"
            return Open311Value.errors(status: code, description: description)
                .response(root: "errors", as: format, status: HTTPResponse.Status(code: code))
        }
    }

    private static func name(_ context: WhistleRequestContext) throws -> String {
        guard let file = context.parameters.get("file"), let (name, _) = Open311Format.split(file) else { throw Open311Error.notFound("no such resource") }
        return name
    }

    private static func base(of request: Request) -> String {
        let host = request.head.authority ?? "127.0.0.1"
        return "http://\(host)/open311/v2"
    }

    private static func discovery(base: String) -> Open311Value {
        .object([
            ("changeset", .text("2026-11-21T00:00:00+08:00")), ("contact", .text("12345 市民服务热线 / 12345 citizen hotline")),
            ("key_service", .text("向本市 12345 中心申请 API 密钥（whistle open311 key issue）/ ask the city's 12345 centre for an API key")),
            ("endpoints", .list(item: "endpoint", [.object([
                ("specification", .text("http://wiki.open311.org/GeoReport_v2")), ("url", .text(base)),
                ("changeset", .text("2026-11-21T00:00:00+08:00")), ("type", .text("production")),
                ("formats", .list(item: "format", [.text("text/xml"), .text("application/json")])),
            ])])),
        ])
    }

    /// W3C-DTF in Beijing time, as GeoReport asks: `2026-11-21T09:00:00+08:00`.
    static func timestamp(_ date: Date) -> String { date.formatted(beijingTime) }

    private static let beijingTime = Date.ISO8601FormatStyle(timeZoneSeparator: .colon, timeZone: TimeZone(secondsFromGMT: 8 * 3_600)!)
}

/// A refusal in GeoReport's terms: 404 for a missing resource, 403 for a missing or invalid key, 400 else.
struct Open311Error: Error {
    var status: Int
    var description: String

    static func notFound(_ description: String) -> Open311Error { .init(status: 404, description: description) }
    static func forbidden(_ description: String) -> Open311Error { .init(status: 403, description: description) }
    static func invalid(_ description: String) -> Open311Error { .init(status: 400, description: description) }
}

/// Query-string or form parameters, with GeoReport's rules: an empty value is absent; `attribute[CODE][]`
/// and repeated `media_url` keep every value.
struct Open311Parameters {
    var values: [String: [String]] = [:]

    /// The query string of a request.
    init(query request: Request) {
        for (key, value) in request.uri.queryParameters { add(String(key), String(value)) }
    }

    /// A file part of a multipart body.
    struct Upload {
        var contentType: String
        var bytes: [UInt8]
    }

    /// Files sent as multipart parts (`media`).
    var uploads: [Upload] = []

    /// The body of a POST: form-encoded, or multipart/form-data with text fields and `media` files.
    init(form request: Request, limit: Int) async throws {
        let type = request.headers[.contentType] ?? ""
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch {
            throw Open311Error.invalid("the request is larger than \(limit / 1024 / 1024) MB")
        }
        if type.lowercased().hasPrefix("multipart/form-data") {
            guard let boundary = type.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) })
                .first(where: { $0.lowercased().hasPrefix("boundary=") }).map({ String($0.dropFirst(9)).trimmingCharacters(in: ["\""]) })
            else { throw Open311Error.invalid("multipart/form-data without a boundary") }
            try readMultipart(Array(body.readableBytesView), boundary: boundary)
            return
        }
        guard type.lowercased().hasPrefix("application/x-www-form-urlencoded") || type.isEmpty else {
            throw Open311Error.invalid("send application/x-www-form-urlencoded or multipart/form-data")
        }
        for (name, value) in FormEncoding.pairs(String(buffer: body)) { add(name, value) }
    }

    /// RFC 7578: parts between `--boundary` lines, each with headers, a blank line and its content.
    private mutating func readMultipart(_ body: [UInt8], boundary: String) throws {
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [ArraySlice<UInt8>] = []
        var start: Int?
        var index = 0
        while let found = body.firstRange(of: delimiter, from: index) {
            if let start { parts.append(body[start..<max(start, found.lowerBound - 2)]) }  // drop the CRLF before the delimiter
            index = found.upperBound
            if body[index...].starts(with: Array("--".utf8)) { break }
            start = index + 2  // the CRLF after the delimiter
        }
        for part in parts {
            guard let split = part.firstRange(of: Array("\r\n\r\n".utf8), from: part.startIndex) else { throw Open311Error.invalid("a multipart part without headers") }
            let headers = String(decoding: part[part.startIndex..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
            let content = Array(part[split.upperBound...])
            let disposition = headers.first { $0.lowercased().hasPrefix("content-disposition:") } ?? ""
            func parameter(_ name: String) -> String? {
                disposition.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                    .first { $0.hasPrefix("\(name)=") }.map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: ["\""]) }
            }
            guard let name = parameter("name") else { throw Open311Error.invalid("a multipart part without a name") }
            if parameter("filename") != nil {
                let contentType = headers.first { $0.lowercased().hasPrefix("content-type:") }
                    .map { String($0.dropFirst("content-type:".count)).trimmingCharacters(in: .whitespaces).lowercased() } ?? "application/octet-stream"
                if !content.isEmpty { uploads.append(Upload(contentType: contentType, bytes: content)) }
            } else {
                add(name, String(decoding: content, as: UTF8.self))
            }
        }
    }

    private mutating func add(_ key: String, _ value: String) {
        let value = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { return }
        values[key.hasSuffix("[]") ? String(key.dropLast(2)) : key, default: []].append(value)
    }

    func merging(_ other: Open311Parameters) -> Open311Parameters {
        var merged = self
        merged.values.merge(other.values) { mine, _ in mine }
        return merged
    }

    func value(_ key: String) -> String? { values[key]?.first }

    /// A comma-separated (or repeated) list.
    func list(_ key: String) -> [String]? {
        values[key].map { $0.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty } }
    }

    func flag(_ key: String) -> Bool { value(key)?.lowercased() == "true" }

    func date(_ key: String) throws -> Date? {
        guard let text = value(key) else { return nil }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = formatter.date(from: text) else { throw Open311Error.invalid("\(key) must be a W3C date-time with a time zone, e.g. 2026-11-21T09:00:00+08:00") }
        return date
    }

    func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = value(key) else { return nil }
        guard let number = Int(text), range.contains(number) else { throw Open311Error.invalid("\(key) must be an integer in \(range)") }
        return number
    }
}

extension RandomAccessCollection where Element == UInt8, Index == Int {
    /// The first occurrence of `pattern` at or after `start`.
    func firstRange(of pattern: [UInt8], from start: Int) -> Range<Int>? {
        guard !pattern.isEmpty, start <= endIndex - pattern.count else { return nil }
        var index = start
        while index <= endIndex - pattern.count {
            if self[index] == pattern[0], self[index..<(index + pattern.count)].elementsEqual(pattern) { return index..<(index + pattern.count) }
            index += 1
        }
        return nil
    }
}
