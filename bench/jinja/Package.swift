// swift-tools-version:6.0
import PackageDescription

// Builds only the Jinja library (and OrderedCollections) in release, so the benchmark does not wait
// for the rest of swiftplay. Run through bench/jinja/run.sh.
let package = Package(
    name: "jinja-bench",
    dependencies: [.package(name: "swiftplay", path: "../..")],
    targets: [
        .executableTarget(name: "jinja-bench", dependencies: [.product(name: "Jinja", package: "swiftplay")]),
    ],
    swiftLanguageModes: [.v5]
)
