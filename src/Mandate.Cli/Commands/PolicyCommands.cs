using System.CommandLine;
using Mandate.Core.Policy;
using Mandate.Policy;
using Spectre.Console;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate policy check</c>: validates a policy file and prints its version.</summary>
internal static class PolicyCommands
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "Policy file (YAML)" };
        var config = new Option<string?>("--config", "-c")
        {
            Description = "Broker configuration (default: $MANDATE_CONFIG when set): also checks that every tool a rule names is configured",
        };
        var check = new Command("check", "Validate a policy file, list every problem with its line, and print its version") { file, config };
        check.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            if (!InputFile.IsReadable("policy file", Path.GetFullPath(path)))
            {
                return ExitCodes.Usage;
            }

            if (ConfigInPlaceOfPolicy.Report(path, "mandate policy check"))
            {
                return ExitCodes.Usage;
            }

            // Tool names live in the configuration, not the policy: without one they cannot be checked, and the output says so.
            var configPath = parse.GetValue(config) ?? Environment.GetEnvironmentVariable("MANDATE_CONFIG");
            Mandate.Policy.PolicyToolCatalog? tools = null;
            if (!string.IsNullOrEmpty(configPath))
            {
                if (CommonOptions.LoadConfig(configPath) is not { } options)
                {
                    return ExitCodes.Usage;
                }

                tools = options.ToolCatalog();
            }

            var result = PolicyLoader.LoadFile(path, tools);
            if (!result.IsValid)
            {
                Output.Error($"{path} is invalid ({result.Problems.Count} problem{(result.Problems.Count == 1 ? "" : "s")}):");
                foreach (var p in result.Problems)
                {
                    Output.ErrorLine("  " + p);
                }

                return ExitCodes.Failed;
            }

            var snapshot = result.Snapshot!;
            Output.Line($"[green]valid[/] {Output.Escape(path)}");
            Output.Line($"  version {Output.Escape(snapshot.Version)}");
            Output.Line(tools is null
                ? "  [yellow]tool names not checked[/]: run with -c mandate.yaml to check them against the configured tools (serve refuses unknown ones)"
                : $"  tool names checked against {tools.Names.Count} configured tool{(tools.Names.Count == 1 ? "" : "s")} in {Output.Escape(Path.GetFullPath(configPath!))}");
            var table = new Table().AddColumns("rule", "effect", "tools", "reason");
            foreach (var rule in snapshot.Rules)
            {
                table.AddRow(Output.Escape(rule.Id), (rule.Effect == DecisionEffect.RequireApproval ? "require_approval" : rule.Effect.ToString().ToLowerInvariant()), Output.Escape(string.Join(", ", rule.Tools)), Output.Escape(rule.Reason));
            }

            Output.Console.Write(table);
            return ExitCodes.Ok;
        });
        return new Command("policy", "Work with policy files") { check, PolicyTestCommands.Test(), PolicyTestCommands.Explain() };
    }
}
