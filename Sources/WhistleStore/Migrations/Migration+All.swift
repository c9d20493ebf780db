import WhistleCore

extension Migration {
    /// Every migration, in order. Append only: a published migration is never edited.
    public static let all: [Migration] = [cityModel]

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
}
