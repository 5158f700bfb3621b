import FleetCommands

@main
struct Entrypoint {
    static func main() async {
        await FleetCommand.main()
    }
}
