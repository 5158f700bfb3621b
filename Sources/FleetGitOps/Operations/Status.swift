public import FleetBasics
public import FleetManifest

/// `fleet gitops status`: every service's image in every environment.
public struct GitOpsStatus: Sendable {
    public struct Cell: Hashable, Sendable {
        public var image: CurrentImage?
        /// The image differs from the one in the previous environment (which has one): this one is behind.
        public var isBehind: Bool
    }

    public struct Row: Hashable, Sendable {
        public var service: String
        /// One cell per environment, in promotion order.
        public var cells: [Cell]
    }

    public var environments: [String]
    public var rows: [Row]

    /// Reads every service × environment.
    public static func read(manifest: Manifest, planner: GitOpsPlanner) throws(DiagnosticsError) -> GitOpsStatus {
        let environments = planner.settings.environments
        var rows: [Row] = []
        for service in manifest.services {
            guard let image = service.image else { continue }
            var cells: [Cell] = []
            for environment in environments {
                let current = try planner.currentImage(service: service.name, imageName: image.name,
                                                       repository: image.repository, environment: environment)
                var behind = false
                if let previous = cells.last?.image, let current {
                    // A digest pinned on one side only is not a difference: the tag names the same build.
                    behind = previous.tag != current.tag
                        || (previous.digest != nil && current.digest != nil && previous.digest != current.digest)
                } else if cells.last?.image != nil, current == nil {
                    behind = true
                }
                cells.append(Cell(image: current, isBehind: behind))
            }
            rows.append(Row(service: service.name, cells: cells))
        }
        return GitOpsStatus(environments: environments, rows: rows)
    }

    /// The table: one row per service, one column per environment, `*` after a tag that is behind the previous
    /// environment, `-` where a service has no image.
    public func table() -> String {
        let header = ["SERVICE"] + environments
        var lines = [header]
        for row in rows {
            lines.append([row.service] + row.cells.map { cell in
                guard let image = cell.image else { return cell.isBehind ? "- *" : "-" }
                return image.tag + (cell.isBehind ? " *" : "") + (image.disagreements.isEmpty ? "" : " !")
            })
        }
        var widths = [Int](repeating: 0, count: header.count)
        for line in lines {
            for (index, text) in line.enumerated() { widths[index] = max(widths[index], text.count) }
        }
        var out = lines.map { line in
            line.enumerated().map { index, text in
                index == line.count - 1 ? text : text + String(repeating: " ", count: widths[index] - text.count + 2)
            }.joined()
        }
        let behind = rows.contains { $0.cells.contains(where: \.isBehind) }
        let disagreeing = rows.flatMap(\.cells).compactMap(\.image).filter { !$0.disagreements.isEmpty }
        if behind { out.append("* behind the previous environment") }
        for image in disagreeing {
            out.append("! \(image.file) says \(image.tag), but " + image.disagreements.joined(separator: ", "))
        }
        return out.joined(separator: "\n")
    }
}
