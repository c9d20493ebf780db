// swift-tools-version: 6.0
// Renders openapi/openapi.yaml as the readable reference page the server serves at /api/reference
// (scripts/generate-openapi.sh runs it; the page is committed, like the generated code).
import PackageDescription

let package = Package(
    name: "api-reference",
    dependencies: [.package(url: "https://github.com/jpsim/Yams", "5.0.0"..<"7.0.0")],
    targets: [.executableTarget(name: "api-reference", dependencies: [.product(name: "Yams", package: "Yams")])]
)
