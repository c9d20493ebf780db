import WhistleCore

extension Migration {
    /// Every migration, in order. Append only: a published migration is never edited.
    public static let all: [Migration] = [cityModel, auditLog, timers, demands, holidaySchedules, loopPolicies, whistles, partyWork, dispatch, open311, sessions, files, tallies, rankings, reports, topics, rulings, places, lights]

    /// 2026-11-21: the organisation tree and people with roles scoped to units.
    static let cityModel = Migration(id: 1, name: "0001_city_model") { engine in
        // Cursor pagination compares sort keys as bytes on both engines.
        let binary = engine == .postgres ? "COLLATE \"C\"" : "COLLATE BINARY"
        let kinds = UnitKind.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return [
            """
            CREATE TABLE units (
                code TEXT \(binary) PRIMARY KEY,
                name TEXT NOT NULL CHECK (name <> ''),
                kind TEXT NOT NULL CHECK (kind IN (\(kinds))),
                parent_code TEXT \(binary) REFERENCES units (code),
                area_code TEXT \(binary) NOT NULL,
                sort_key TEXT \(binary) NOT NULL,
                population BIGINT CHECK (population >= 0),
                calendar_code TEXT,
                boundary TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                version BIGINT NOT NULL DEFAULT 1
            )
            """,
            "CREATE INDEX units_by_parent ON units (parent_code, sort_key)",
            "CREATE INDEX units_by_area ON units (area_code)",
            "CREATE INDEX units_by_sort_key ON units (sort_key)",
            """
            CREATE TABLE people (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL CHECK (name <> ''),
                phone TEXT,
                created_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE role_assignments (
                person_id TEXT NOT NULL REFERENCES people (id),
                role TEXT NOT NULL,
                unit_code TEXT \(binary) NOT NULL REFERENCES units (code),
                granted_at BIGINT NOT NULL,
                ended_at BIGINT,
                PRIMARY KEY (person_id, role, unit_code)
            )
            """,
            "CREATE INDEX role_assignments_by_unit ON role_assignments (unit_code)",
        ]
    }

    /// 2026-11-21: the append-only, hash-chained audit log and its head.
    static let auditLog = Migration(id: 2, name: "0002_audit_log") { _ in
        [
            """
            CREATE TABLE audit_events (
                seq BIGINT PRIMARY KEY CHECK (seq > 0),
                at BIGINT NOT NULL,
                subject_type TEXT NOT NULL,
                subject_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                actor TEXT,
                reason TEXT,
                payload TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            )
            """,
            "CREATE INDEX audit_events_by_subject ON audit_events (subject_type, subject_id, seq)",
            "CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL, hash TEXT NOT NULL)",
            "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '\(AuditLog.genesis)')",
        ]
    }

    /// 2026-11-21: durable timers for the deadline service.
    static let timers = Migration(id: 3, name: "0003_timers") { engine in
        let binary = engine == .postgres ? "COLLATE \"C\"" : "COLLATE BINARY"
        return [
            """
            CREATE TABLE timers (
                key TEXT \(binary) PRIMARY KEY,
                subject_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                due_at BIGINT NOT NULL,
                payload TEXT NOT NULL,
                fired_at BIGINT
            )
            """,
            "CREATE INDEX timers_due ON timers (due_at) WHERE fired_at IS NULL",
            "CREATE INDEX timers_by_subject ON timers (subject_id)",
        ]
    }

    /// 2026-11-21: demands (the case file as a document, with the columns queries need), their orders'
    /// projection, idempotency keys, counters for numbering, and access tokens.
    static let demands = Migration(id: 4, name: "0004_demands") { engine in
        let binary = engine == .postgres ? "COLLATE \"C\"" : "COLLATE BINARY"
        return [
            """
            CREATE TABLE demands (
                id TEXT PRIMARY KEY,
                number TEXT NOT NULL UNIQUE,
                version BIGINT NOT NULL,
                status TEXT NOT NULL,
                channel TEXT NOT NULL,
                area_code TEXT,
                category_code TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                sort_key TEXT \(binary) NOT NULL,
                document TEXT NOT NULL
            )
            """,
            "CREATE INDEX demands_by_sort_key ON demands (sort_key)",
            "CREATE INDEX demands_by_status ON demands (status, sort_key)",
            """
            CREATE TABLE work_orders (
                id TEXT PRIMARY KEY,
                demand_id TEXT NOT NULL REFERENCES demands (id),
                unit_code TEXT NOT NULL,
                role TEXT NOT NULL,
                status TEXT NOT NULL,
                is_open BOOLEAN NOT NULL
            )
            """,
            "CREATE INDEX work_orders_by_unit ON work_orders (unit_code, is_open)",
            "CREATE INDEX work_orders_by_demand ON work_orders (demand_id)",
            """
            CREATE TABLE idempotency_keys (
                key TEXT PRIMARY KEY,
                request_hash TEXT NOT NULL,
                demand_id TEXT NOT NULL REFERENCES demands (id),
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
            """
            CREATE TABLE api_tokens (
                token_hash TEXT PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES people (id),
                role TEXT NOT NULL,
                unit_code TEXT NOT NULL REFERENCES units (code),
                label TEXT,
                created_at BIGINT NOT NULL,
                revoked_at BIGINT
            )
            """,
        ]
    }

    /// 2026-11-21: holiday schedules imported as data.
    static let holidaySchedules = Migration(id: 5, name: "0005_holiday_schedules") { _ in
        ["CREATE TABLE holiday_schedules (year INTEGER PRIMARY KEY, source TEXT NOT NULL, document TEXT NOT NULL, imported_at BIGINT NOT NULL)"]
    }

    /// 2026-11-21: versions of the loop's rules by effective day.
    static let loopPolicies = Migration(id: 6, name: "0006_loop_policies") { _ in
        ["CREATE TABLE loop_policies (effective_from TEXT PRIMARY KEY, document TEXT NOT NULL, saved_at BIGINT NOT NULL)"]
    }

    /// 2026-11-21: whistles (the whistle as a document, with the columns figures and boards query), their
    /// summoned units as rows (a department's whistles are an index lookup), versions of the whistle's rules,
    /// and an index that lets the live stream read the whistle events after a sequence number.
    static let whistles = Migration(id: 7, name: "0007_whistles") { engine in
        let binary = engine == .postgres ? "COLLATE \"C\"" : "COLLATE BINARY"
        return [
            """
            CREATE TABLE whistles (
                id TEXT PRIMARY KEY,
                number TEXT NOT NULL UNIQUE,
                version BIGINT NOT NULL,
                status TEXT NOT NULL,
                whistling_unit TEXT NOT NULL,
                district_code TEXT NOT NULL,
                raised_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                sort_key TEXT \(binary) NOT NULL,
                document TEXT NOT NULL
            )
            """,
            "CREATE INDEX whistles_by_sort_key ON whistles (sort_key)",
            "CREATE INDEX whistles_by_whistler ON whistles (whistling_unit, raised_at)",
            "CREATE INDEX whistles_by_district ON whistles (district_code, raised_at)",
            """
            CREATE TABLE whistle_summons (
                whistle_id TEXT NOT NULL REFERENCES whistles (id),
                unit_code TEXT NOT NULL,
                status TEXT NOT NULL,
                raised_at BIGINT NOT NULL,
                PRIMARY KEY (whistle_id, unit_code)
            )
            """,
            "CREATE INDEX whistle_summons_by_unit ON whistle_summons (unit_code, raised_at)",
            "CREATE TABLE whistle_policies (effective_from TEXT PRIMARY KEY, document TEXT NOT NULL, saved_at BIGINT NOT NULL)",
            "CREATE INDEX audit_events_by_subject_type ON audit_events (subject_type, seq)",
        ]
    }

    /// 2026-11-21: party members reporting to their home community (在职党员回社区报到) and community tasks.
    static let partyWork = Migration(id: 8, name: "0008_party_work") { _ in
        [
            """
            CREATE TABLE party_members (
                id TEXT PRIMARY KEY,
                home_community TEXT NOT NULL REFERENCES units (code),
                available BOOLEAN NOT NULL,
                document TEXT NOT NULL
            )
            """,
            "CREATE INDEX party_members_by_community ON party_members (home_community, available)",
            """
            CREATE TABLE community_tasks (
                id TEXT PRIMARY KEY,
                community_code TEXT NOT NULL REFERENCES units (code),
                status TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                document TEXT NOT NULL
            )
            """,
            "CREATE INDEX community_tasks_by_community ON community_tasks (community_code, status, created_at)",
        ]
    }

    /// 2026-11-21: routing (派单): the taxonomy, duty rules, stored classifier versions, and demands'
    /// coordinates as columns so duplicates near a new demand are found by index.
    static let dispatch = Migration(id: 9, name: "0009_dispatch") { engine in
        let double = engine == .postgres ? "DOUBLE PRECISION" : "REAL"
        let coordinate = { (axis: String) in
            engine == .postgres
                ? "(document::jsonb -> 'location' ->> '\(axis)')::double precision"
                : "json_extract(document, '$.location.\(axis)')"
        }
        return [
            """
            CREATE TABLE categories (
                code TEXT PRIMARY KEY,
                parent_code TEXT REFERENCES categories (code),
                service_code TEXT UNIQUE,
                active BOOLEAN NOT NULL,
                document TEXT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE duty_rules (
                id TEXT PRIMARY KEY,
                category_code TEXT NOT NULL REFERENCES categories (code),
                area_code TEXT NOT NULL REFERENCES units (code),
                effective_from TEXT NOT NULL,
                effective_until TEXT,
                document TEXT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE classifier_models (
                target TEXT NOT NULL,
                version BIGINT NOT NULL,
                trained_at BIGINT NOT NULL,
                examples BIGINT NOT NULL,
                accuracy \(double) NOT NULL,
                macro_f1 \(double) NOT NULL,
                evaluation TEXT NOT NULL,
                document TEXT NOT NULL,
                PRIMARY KEY (target, version)
            )
            """,
            "ALTER TABLE demands ADD COLUMN latitude \(double)",
            "ALTER TABLE demands ADD COLUMN longitude \(double)",
            "UPDATE demands SET latitude = \(coordinate("latitude")), longitude = \(coordinate("longitude"))",
            "CREATE INDEX demands_by_category_place ON demands (category_code, latitude)",
            "CREATE INDEX demands_by_category_area ON demands (category_code, area_code)",
        ]
    }

    /// 2026-11-21: Open311 GeoReport v2: API keys per client application; demands and their events by time for
    /// its queries and FixMyStreet's update feed.
    static let open311 = Migration(id: 10, name: "0010_open311") { _ in
        [
            """
            CREATE TABLE open311_keys (
                key_hash TEXT PRIMARY KEY,
                client TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                revoked_at BIGINT
            )
            """,
            "CREATE INDEX demands_by_updated_at ON demands (updated_at)",
            "CREATE INDEX audit_events_by_subject_time ON audit_events (subject_type, at)",
        ]
    }

    /// 2026-11-21: password login for the web console: hashed passwords with a lockout after failures, and
    /// sessions (stored so that every server behind the same database knows them) with their CSRF secret.
    static let sessions = Migration(id: 11, name: "0011_sessions") { _ in
        [
            "ALTER TABLE people ADD COLUMN password_hash TEXT",
            "ALTER TABLE people ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE people ADD COLUMN locked_until BIGINT",
            """
            CREATE TABLE sessions (
                id_hash TEXT PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES people (id),
                role TEXT NOT NULL,
                unit_code TEXT NOT NULL,
                csrf_token TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                ended_at BIGINT
            )
            """,
            "CREATE INDEX sessions_by_person ON sessions (person_id)",
        ]
    }

    /// 2026-11-21: files received with demands (photos sent by Open311 apps), kept in the database so that
    /// every server sees them and a backup holds them; named by their SHA-256.
    static let files = Migration(id: 12, name: "0012_files") { engine in
        [
            """
            CREATE TABLE files (
                sha256 TEXT PRIMARY KEY,
                content_type TEXT NOT NULL,
                size BIGINT NOT NULL,
                bytes \(engine == .postgres ? "BYTEA" : "BLOB") NOT NULL,
                demand_id TEXT REFERENCES demands (id),
                created_at BIGINT NOT NULL
            )
            """,
        ]
    }

    /// 2026-11-21: what each unit's assessment adds up, per Beijing day (``DayTally``), kept in the same
    /// transaction as every demand change, so a ranking sums ~30 rows a unit instead of scanning demands.
    static let tallies = Migration(id: 13, name: "0013_unit_day_tallies") { _ in
        let counts = TallyRollup.columns.map { "\($0.name) BIGINT NOT NULL DEFAULT 0" }.joined(separator: ", ")
        return [
            """
            CREATE TABLE unit_day_tallies (
                unit_code TEXT NOT NULL,
                day TEXT NOT NULL,
                \(counts),
                PRIMARY KEY (unit_code, day)
            )
            """,
            "CREATE INDEX unit_day_tallies_by_day ON unit_day_tallies (day, unit_code)",
        ]
    }

    /// 2026-11-21: assessment scheme versions by effective day, and published rankings (immutable: publishing
    /// again adds a snapshot).
    static let rankings = Migration(id: 14, name: "0014_rankings") { _ in
        [
            "CREATE TABLE assessment_schemes (effective_from TEXT PRIMARY KEY, document TEXT NOT NULL, saved_at BIGINT NOT NULL)",
            """
            CREATE TABLE ranking_snapshots (
                id TEXT PRIMARY KEY,
                period_label TEXT NOT NULL,
                unit_group TEXT NOT NULL,
                published_at BIGINT NOT NULL,
                document TEXT NOT NULL
            )
            """,
            "CREATE INDEX ranking_snapshots_by_period ON ranking_snapshots (period_label, unit_group, published_at)",
        ]
    }

    /// 2026-11-21: demands received per day along channel, type, category and area (for reports), filled from
    /// the demands already stored; and whether an order is overdue or supervised, for the lists leaders read.
    /// Orders stored before are projected again at their next change.
    static let reports = Migration(id: 15, name: "0015_reports") { engine in
        let day = engine == .postgres
            ? "to_char(to_timestamp(created_at / 1000.0) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')"
            : "date(created_at / 1000, 'unixepoch', '+8 hours')"
        let area = "CASE WHEN length(area_code) >= 9 THEN substr(area_code, 1, 9) WHEN length(area_code) >= 6 THEN substr(area_code, 1, 6) ELSE '-' END"
        return [
            """
            CREATE TABLE demand_day_volumes (
                day TEXT NOT NULL,
                dimension TEXT NOT NULL,
                key TEXT NOT NULL,
                received BIGINT NOT NULL,
                PRIMARY KEY (day, dimension, key)
            )
            """,
            "CREATE INDEX demand_day_volumes_by_dimension ON demand_day_volumes (dimension, day)",
        ] + [("channel", "channel"), ("type", "json_type"), ("category", "COALESCE(category_code, '-')"), ("area", area)].map { dimension, key in
            let key = key == "json_type" ? (engine == .postgres ? "CAST(document AS JSONB) ->> 'type'" : "json_extract(document, '$.type')") : key
            return """
                INSERT INTO demand_day_volumes (day, dimension, key, received)
                SELECT \(day), '\(dimension)', \(key), COUNT(*) FROM demands GROUP BY \(day), \(key)
                """
        } + [
            "ALTER TABLE work_orders ADD COLUMN overdue BOOLEAN NOT NULL DEFAULT FALSE",
            "ALTER TABLE work_orders ADD COLUMN supervised BOOLEAN NOT NULL DEFAULT FALSE",
            "CREATE INDEX work_orders_needing_attention ON work_orders (unit_code) WHERE overdue OR supervised",
        ]
    }

    /// 2026-11-21: 每月一题 topics, one document each.
    static let topics = Migration(id: 16, name: "0016_monthly_topics") { _ in
        [
            "CREATE TABLE monthly_topics (id TEXT PRIMARY KEY, month TEXT NOT NULL, created_at BIGINT NOT NULL, document TEXT NOT NULL)",
            "CREATE INDEX monthly_topics_by_month ON monthly_topics (month, created_at)",
        ]
    }

    /// 2026-11-22: the dispatch centre's list of requests to rule on (退单, 延期, 挂账): a small partial index,
    /// however many orders the city has.
    static let rulings = Migration(id: 17, name: "0017_orders_awaiting_ruling") { _ in
        ["CREATE INDEX work_orders_awaiting_ruling ON work_orders (status) WHERE \(DemandRepository.awaitingRuling)"]
    }

    /// 2026-11-22: demands received per day in each community and grid (dimension `place`, for the command
    /// centre's map), filled from the demands already stored, and read by key range under a division.
    static let places = Migration(id: 18, name: "0018_place_volumes") { engine in
        let day = engine == .postgres
            ? "to_char(to_timestamp(created_at / 1000.0) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')"
            : "date(created_at / 1000, 'unixepoch', '+8 hours')"
        let grid = engine == .postgres ? "CAST(document AS JSONB) -> 'location' ->> 'gridCode'" : "json_extract(document, '$.location.gridCode')"
        return [
            """
            INSERT INTO demand_day_volumes (day, dimension, key, received)
            SELECT day, 'place', place, COUNT(*) FROM (
                SELECT \(day) AS day, COALESCE(\(grid), area_code) AS place FROM demands
            ) located WHERE length(place) IN (12, 15) GROUP BY day, place
            """,
            "CREATE INDEX demand_day_volumes_by_key ON demand_day_volumes (dimension, key, day)",
        ]
    }

    /// 2026-11-22: when each open order's resolution clock turns yellow and red (the deadline service's timers,
    /// on the order's row), so the command centre counts and lists the yellow lights of a whole city by index.
    /// Filled from the pending timers of the current deadline (a fired yellow timer still counts).
    static let lights = Migration(id: 19, name: "0019_order_lights") { _ in
        let current = """
            t.subject_id = work_orders.demand_id AND t.kind = 'overdue' AND t.fired_at IS NULL
            AND substr(t.key, 1, length(work_orders.id) + 12) = work_orders.id || '/resolution/'
            """
        return [
            "ALTER TABLE work_orders ADD COLUMN yellow_at BIGINT",
            "ALTER TABLE work_orders ADD COLUMN due_at BIGINT",
            """
            UPDATE work_orders SET due_at = (SELECT t.due_at FROM timers t WHERE \(current)),
                yellow_at = (SELECT COALESCE(y.due_at, t.due_at) FROM timers t LEFT JOIN timers y ON y.key = replace(t.key, '/overdue/', '/yellow/') WHERE \(current))
            WHERE is_open
            """,
            "CREATE INDEX work_orders_by_light ON work_orders (role, yellow_at, due_at) WHERE yellow_at IS NOT NULL",
        ]
    }
}
