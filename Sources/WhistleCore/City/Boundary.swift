import Foundation

/// A position in WGS-84 degrees, GeoJSON order (longitude first).
public struct Coordinate: Sendable, Equatable, Hashable {
    public var longitude: Double
    public var latitude: Double

    public init(longitude: Double, latitude: Double) {
        self.longitude = longitude
        self.latitude = latitude
    }
}

/// The boundary of a unit: one or more polygons, each an outer ring followed by its holes (GeoJSON
/// `Polygon` / `MultiPolygon`). Rings are closed: the first position equals the last.
public struct Boundary: Sendable, Equatable {
    public var polygons: [[[Coordinate]]]

    /// Validates rings: at least four positions, closed, coordinates in range.
    public init(polygons: [[[Coordinate]]]) throws(CityModelError) {
        guard !polygons.isEmpty else { throw .invalidGeometry("没有多边形 / no polygon") }
        for polygon in polygons {
            guard !polygon.isEmpty else { throw .invalidGeometry("多边形没有外环 / polygon without an outer ring") }
            for ring in polygon {
                guard ring.count >= 4 else { throw .invalidGeometry("环少于 4 个点 / ring with fewer than 4 positions") }
                guard ring.first == ring.last else { throw .invalidGeometry("环未闭合 / ring is not closed") }
                for point in ring where !(-180...180).contains(point.longitude) || !(-90...90).contains(point.latitude) {
                    throw .invalidGeometry("坐标超出范围 / coordinate out of range: \(point.longitude),\(point.latitude)")
                }
            }
        }
        self.polygons = polygons
    }
}

extension Boundary: Codable {
    private enum CodingKeys: String, CodingKey { case type, coordinates }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        let polygons: [[[[Double]]]]
        switch type {
        case "Polygon": polygons = [try container.decode([[[Double]]].self, forKey: .coordinates)]
        case "MultiPolygon": polygons = try container.decode([[[[Double]]]].self, forKey: .coordinates)
        default: throw CityModelError.invalidGeometry("几何类型应为 Polygon 或 MultiPolygon / geometry type must be Polygon or MultiPolygon, not \(type)")
        }
        let coordinates = try polygons.map { polygon in
            try polygon.map { ring in
                try ring.map { position -> Coordinate in
                    guard position.count >= 2 else { throw CityModelError.invalidGeometry("坐标需要经度和纬度 / position needs longitude and latitude") }
                    return Coordinate(longitude: position[0], latitude: position[1])
                }
            }
        }
        try self.init(polygons: coordinates)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("MultiPolygon", forKey: .type)
        try container.encode(polygons.map { $0.map { $0.map { [$0.longitude, $0.latitude] } } }, forKey: .coordinates)
    }
}

/// Reads grid and community boundaries from a GeoJSON FeatureCollection whose features carry the 15-digit
/// grid code or the 12-digit community code in `properties.code` (or `properties.grid_code`). Grids locate
/// demands (point in polygon); both are drawn on the command centre's map.
public enum GridBoundaryFile {
    /// The grid boundaries of the file, or every problem found (the "line" of a problem is the 1-based
    /// feature index, since GeoJSON has no meaningful lines).
    public static func parse(_ data: Data, file: String) -> Result<[(code: String, boundary: Boundary)], ImportFailed> {
        struct Collection: Decodable { var type: String; var features: [Feature] }
        struct Feature: Decodable { var properties: [String: JSONScalar]?; var geometry: Boundary }
        guard !data.isEmpty else { return .failure(ImportFailed(problems: [ImportProblem(file: file, line: 1, error: .emptyFile)])) }
        // Decode features one by one so that one bad geometry names its feature instead of failing the file.
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              object["type"] as? String == "FeatureCollection", let features = object["features"] as? [Any]
        else {
            return .failure(ImportFailed(problems: [ImportProblem(file: file, line: 1, error: .invalidGeometry("不是 GeoJSON FeatureCollection / not a GeoJSON FeatureCollection"))]))
        }
        var grids: [(code: String, boundary: Boundary)] = []
        var problems: [ImportProblem] = []
        for (index, feature) in features.enumerated() {
            do {
                let json = try JSONSerialization.data(withJSONObject: feature)
                let decoded = try JSONDecoder().decode(Feature.self, from: json)
                guard let code = decoded.properties?["code"]?.text ?? decoded.properties?["grid_code"]?.text else {
                    throw CityModelError.invalidGeometry("要素缺少 properties.code / feature has no properties.code")
                }
                try UnitCode.validate(code, kind: code.count == 12 ? .community : .grid, parent: nil)
                grids.append((code, decoded.geometry))
            } catch let error as CityModelError {
                problems.append(ImportProblem(file: file, line: index + 1, error: error))
            } catch {
                problems.append(ImportProblem(file: file, line: index + 1, error: .invalidGeometry("\(error)")))
            }
        }
        return problems.isEmpty ? .success(grids) : .failure(ImportFailed(problems: problems))
    }
}

/// A GeoJSON property value that may be a string or a number (codes are often written as numbers).
struct JSONScalar: Decodable {
    var text: String?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            text = string
        } else if let number = try? container.decode(Int64.self) {
            text = String(number)
        } else {
            text = nil
        }
    }
}
