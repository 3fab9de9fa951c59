using System.CommandLine;
using Mandate.Core.Policy;
using Mandate.Core.Policy.Testing;
using Spectre.Console;
using YamlDotNet.RepresentationModel;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate policy test DIR</c> and <c>mandate policy explain</c>: policy checks users run in CI, without a server.</summary>
internal static class PolicyTestCommands
{
    public static Command Test()
    {
        var target = new Argument<string>("path") { Description = "A test file (YAML) or a folder of them (*.yaml, *.yml, recursively)" };
        var command = new Command("test", "Run policy test cases (request → expected allow/deny/pending and deciding rule); exit 1 on any failure") { target };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(target)!;
            var files = Directory.Exists(path)
                ? Directory.EnumerateFiles(path, "*.*", SearchOption.AllDirectories).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal)).Where(PolicyTestLoader.IsTestFile).Order(StringComparer.Ordinal).ToList()
                : File.Exists(path) ? [path] : [];
            if (files.Count == 0)
            {
                Output.Error($"{path}: no test files found (*.yaml)");
                return 2;
            }

            var (passed, failed) = (0, 0);
            foreach (var file in files)
            {
                var (p, f) = RunFile(file);
                passed += p;
                failed += f;
            }

            var summary = $"{passed + failed} case{(passed + failed == 1 ? "" : "s")}: {passed} passed, {failed} failed";
            Output.Line(failed == 0 ? $"[green]{summary}[/]" : $"[red]{summary}[/]");
            return failed == 0 ? 0 : 1;
        });
        return command;
    }

    public static Command Explain()
    {
        var policy = new Option<string>("--policy", "-p") { Description = "Policy file (YAML)", Required = true };
        var request = new Option<string>("--request", "-r") { Description = "Request file: the same mapping as a test case's 'request' (agent, tool, scopes, tenant, user, user_claims, authorization_details, evidence, now, …)", Required = true };
        var command = new Command("explain", "Show which rules matched a request, which checks failed and why, and the decision") { policy, request };
        command.SetAction(parse =>
        {
            var snapshot = LoadPolicy(parse.GetValue(policy)!);
            if (snapshot is null)
            {
                return 2;
            }

            var stream = new YamlStream();
            stream.Load(new StringReader(File.ReadAllText(parse.GetValue(request)!)));
            var root = (YamlMappingNode)stream.Documents[0].RootNode;
            var input = PolicyTestLoader.ReadRequest(root.Children.TryGetValue("request", out var inner) && inner is YamlMappingNode m ? m : root, "dev");
            var (decision, rules) = PolicyExplainer.Explain(snapshot, input);
            foreach (var rule in rules)
            {
                var mark = rule.Matched ? "[green]✓ matched[/]" : "[grey]✗ no match[/]";
                Output.Line($"{mark} [bold]{Markup.Escape(rule.RuleId)}[/] ({rule.Effect}, line {rule.Line})");
                foreach (var check in rule.Checks)
                {
                    Output.Line($"    {(check.Passed ? "[green]pass[/]" : "[red]fail[/]")} {check.Check}: {Markup.Escape(check.Detail)}");
                }
            }

            var outcome = PolicyTestResult.OutcomeOf(decision);
            Output.Line($"decision: [bold]{outcome}[/] by {Markup.Escape(decision.RuleId ?? "none (default deny)")}: {Markup.Escape(decision.Reason)}");
            if (decision.Remedy is not null)
            {
                Output.Line($"  to fix: {Markup.Escape(decision.Remedy)}");
            }

            return 0;
        });
        return command;
    }

    private static (int Passed, int Failed) RunFile(string file)
    {
        var tests = PolicyTestLoader.Load(file);
        foreach (var problem in tests.Problems)
        {
            Output.Error(problem);
        }

        var policy = tests.PolicyPath is null ? null : LoadPolicy(tests.PolicyPath);
        if (policy is null || tests.Problems.Count > 0)
        {
            return (0, Math.Max(1, tests.Cases.Count));
        }

        Output.Line($"[bold]{Markup.Escape(file)}[/] (policy {Markup.Escape(Path.GetFileName(tests.PolicyPath!))} {Markup.Escape(policy.Version[..15])}…)");
        var results = PolicyTestRunner.Run(policy, tests.Cases);
        foreach (var r in results)
        {
            var outcome = PolicyTestResult.OutcomeOf(r.Decision);
            var by = r.Decision.RuleId ?? "default deny";
            Output.Line(r.Passed
                ? $"  [green]PASS[/] {Markup.Escape(r.Case.Name)} [grey]({outcome} by {Markup.Escape(by)})[/]"
                : $"  [red]FAIL[/] {Markup.Escape(r.Case.Name)} [grey](line {r.Case.Line})[/]\n       {Markup.Escape(r.Failure!)}");
        }

        var failed = results.Count(r => !r.Passed);
        return (results.Count - failed, failed);
    }

    private static PolicySnapshot? LoadPolicy(string path)
    {
        var result = PolicyLoader.LoadFile(path);
        if (result.IsValid)
        {
            return result.Snapshot;
        }

        Output.Error($"{path} is invalid:");
        foreach (var p in result.Problems)
        {
            Output.ErrorLine("  " + p);
        }

        return null;
    }
}
