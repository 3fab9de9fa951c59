using System.CommandLine;
using Mandate.Core.Configuration;
using Mandate.Core.Policy;
using Mandate.Core.Policy.Testing;
using Mandate.Policy;
using Mandate.Policy.Testing;
using Spectre.Console;
using YamlDotNet.RepresentationModel;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate policy test DIR</c> and <c>mandate policy explain</c>: policy checks users run in CI, without a server.</summary>
internal static class PolicyTestCommands
{
    public static Command Test()
    {
        var target = new Argument<string>("path") { Description = "A test file (YAML) or a folder of them (*.yaml, *.yml, recursively)" };
        var command = new Command("test", "Run policy test cases (request → expected allow/deny/pending and deciding rule; delegators: decides a sub-agent's request up its chain, as the broker does); exit 1 on any failure") { target };
        command.SetAction(parse => Run(parse.GetValue(target)!));
        return command;
    }

    private static int Run(string path)
    {
        if (!Directory.Exists(path) && !File.Exists(path))
        {
            Output.Error($"{Path.GetFullPath(path)}: no such file or folder; give a test file or a folder of them");
            return ExitCodes.Usage;
        }

        // A file named directly must be a test file: without 'cases' (the policy itself, or 'case:' misspelt) it fails, and
        // says what a test file holds. In a folder, valid YAML without 'cases' (the policy under test) is skipped.
        if (File.Exists(path) && PolicyTestLoader.Probe(path).Kind == PolicyTestFileKind.Other)
        {
            Output.Error($"{path} has no top-level 'cases' list, so it is not a policy test file: a test file names its policy ('policy: policy.yaml') "
                + $"and lists 'cases'. To check a policy file itself, run 'mandate policy check {path}'");
            return ExitCodes.Usage;
        }

        var candidates = Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*.*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .Select(f => (File: f, Probe: PolicyTestLoader.Probe(f)))
                .Where(c => c.Probe.Kind != PolicyTestFileKind.Other)
                .ToList()
            : File.Exists(path) ? [(path, new PolicyTestProbe(PolicyTestFileKind.Tests, null))] : [];
        if (candidates.Count == 0)
        {
            Output.Error($"{Path.GetFullPath(path)}: no test files found (YAML files with a top-level 'cases' list)");
            return ExitCodes.Usage;
        }

        var (passed, failed, unreadable) = (0, 0, 0);
        foreach (var (file, probe) in candidates)
        {
            if (probe.Kind == PolicyTestFileKind.Unreadable)
            {
                // Unparseable YAML may be a test file with a slip: a failure, never a skip.
                Output.Error(probe.Problem!);
                unreadable++;
                continue;
            }

            var (p, f, loaded) = RunFile(file);
            passed += p;
            failed += f;
            unreadable += loaded ? 0 : 1;
        }

        var read = candidates.Count - unreadable;
        var files = $"{read} of {candidates.Count} test file{(candidates.Count == 1 ? "" : "s")} loaded";
        var summary = $"{files}; {passed + failed} case{(passed + failed == 1 ? "" : "s")}: {passed} passed, {failed} failed";
        var ok = failed == 0 && unreadable == 0;
        Output.Line(ok ? $"[green]{summary}[/]" : $"[red]{Output.Escape(summary)}[/]");
        if (unreadable > 0)
        {
            Output.Error($"{unreadable} test file{(unreadable == 1 ? "" : "s")} could not be loaded; fix the problems above (file:line:column)");
        }

        return ok ? ExitCodes.Ok : ExitCodes.Failed;
    }

    public static Command Explain()
    {
        var policy = new Option<string>("--policy", "-p") { Description = "Policy file (YAML)", Required = true };
        var request = new Option<string>("--request", "-r") { Description = "Request file: the same mapping as a test case's 'request' (agent, tool, scopes, tenant, user, user_claims, authorization_details, evidence, now, …; mcp: {tool, arguments} for an MCP tools/call; delegators: [{agent, run}, …] for a sub-agent's request, nearest first)", Required = true };
        var command = new Command("explain", "Show which rules matched a request, which checks failed and why, and the decision; with delegators, each delegating agent's checks too and the combined decision") { policy, request };
        command.SetAction(parse =>
        {
            var policyPath = parse.GetValue(policy)!;
            if (ConfigInPlaceOfPolicy.Report(policyPath, "mandate policy explain --policy"))
            {
                return ExitCodes.Usage;
            }

            var snapshot = LoadPolicy(policyPath);
            if (snapshot is null)
            {
                return ExitCodes.Usage;
            }

            var requestPath = parse.GetValue(request)!;
            if (ReadRequestFile(requestPath) is not { } root)
            {
                return ExitCodes.Usage;
            }

            if (ReadInput(requestPath, root) is not { } input)
            {
                return ExitCodes.Usage;
            }

            // A request with mcp: is a tools/call, which only the rules with mcp: decide (as in a test case).
            var mcpCall = PolicyTestReader.TryReadMcpCall(RequestOf(root), "dev", out var mcpProblem);
            if (mcpProblem is not null)
            {
                Output.Error($"{requestPath}: a value in the request cannot be read: {mcpProblem}");
                return ExitCodes.Usage;
            }

            if (PolicyTestReader.TryReadDelegators(RequestOf(root), out var chainProblem) is not { } delegators)
            {
                Output.Error($"{requestPath}: a value in the request cannot be read: {chainProblem}");
                return ExitCodes.Usage;
            }

            PrintExplanation(PolicyExplainer.ExplainChain(snapshot, input, mcpCall, delegators), input);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// The caller's rules, then (for a sub-agent's request) each delegating agent's under its own heading, nearest first,
    /// then the combined decision the broker would make.
    /// </summary>
    private static void PrintExplanation(ChainExplanation explained, PolicyInput input)
    {
        if (explained.Delegators.Count > 0)
        {
            Output.Line($"[bold]calling agent {Output.Escape(input.Agent)}[/] (run '{Output.Escape(input.RunId ?? "")}', depth {input.DelegationDepth})");
        }

        PrintRules(explained.Rules);
        if (explained.Delegators.Count > 0)
        {
            PrintOwn(explained.Own);
        }

        foreach (var d in explained.Delegators)
        {
            var at = d.Delegator;
            Output.Line($"[bold]delegating agent {Output.Escape(at.Agent)}[/] (run '{Output.Escape(at.Run)}', depth {at.Depth})");
            PrintRules(d.Rules);
            PrintOwn(d.Decision);
        }

        var (decision, by) = (explained.Outcome.Decision, explained.Outcome.DecidedBy);
        var outcome = PolicyTestResult.OutcomeOf(decision);
        Output.Line($"decision: [bold]{outcome}[/] by {Output.Escape(PolicyTestRunner.DecidedByText(decision, by))}: {Output.Escape(decision.Reason)}");
        if (decision.Remedy is not null)
        {
            Output.Line($"  to fix: {Output.Escape(decision.Remedy)}");
        }
    }

    private static void PrintOwn(Decision decision) =>
        Output.Line($"  its decision: {PolicyTestResult.OutcomeOf(decision)} by {Output.Escape(decision.RuleId ?? "none (default deny)")}: {Output.Escape(decision.Reason)}");

    private static void PrintRules(IReadOnlyList<RuleExplanation> rules)
    {
        foreach (var rule in rules)
        {
            var mark = rule.Matched ? "[green]✓ matched[/]" : "[grey]✗ no match[/]";
            Output.Line($"{mark} [bold]{Output.Escape(rule.RuleId)}[/] ({rule.Effect}, line {rule.Line})");
            foreach (var check in rule.Checks)
            {
                Output.Line($"    {(check.Passed ? "[green]pass[/]" : "[red]fail[/]")} {check.Check}: {Output.Escape(check.Detail)}");
            }
        }
    }

    /// <summary>Runs one test file; <c>Loaded</c> is false when the file or its policy could not be read.</summary>
    private static (int Passed, int Failed, bool Loaded) RunFile(string file)
    {
        var tests = PolicyTestLoader.Load(file);
        foreach (var problem in tests.Problems)
        {
            Output.Error(problem);
        }

        var policy = tests.PolicyPath is null ? null : LoadPolicy(tests.PolicyPath);
        if (policy is null || tests.Problems.Count > 0)
        {
            return (0, tests.Cases.Count, false);
        }

        Output.Line($"[bold]{Output.Escape(file)}[/] (policy {Output.Escape(Path.GetFileName(tests.PolicyPath!))} {Output.Escape(policy.Version[..15])}…)");
        var results = PolicyTestRunner.Run(policy, tests.Cases);
        foreach (var r in results)
        {
            var outcome = PolicyTestResult.OutcomeOf(r.Decision);
            var by = r.DecidedBy is null ? r.Decision.RuleId ?? "default deny" : PolicyTestRunner.DecidedByText(r.Decision, r.DecidedBy);
            Output.Line(r.Passed
                ? $"  [green]PASS[/] {Output.Escape(r.Case.Name)} [grey]({outcome} by {Output.Escape(by)})[/]"
                : $"  [red]FAIL[/] {Output.Escape(r.Case.Name)} [grey](line {r.Case.Line})[/]\n       {Output.Escape(r.Failure!)}");
        }

        var failed = results.Count(r => !r.Passed);
        return (results.Count - failed, failed, true);
    }

    private static YamlMappingNode? ReadRequestFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Output.Error($"{Path.GetFullPath(path)}: cannot read the request file: {e.Message}");
            return null;
        }

        var stream = YamlText.TryLoad(text, out var error);
        if (error is not null)
        {
            Output.Error($"{path}:{error.Line}:{error.Column}: not valid YAML: {error.Message}");
            return null;
        }

        if (stream!.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            Output.Error($"{path}:1:1: a request file is a mapping (agent, tool, scopes, tenant, …)");
            return null;
        }

        return root;
    }

    /// <summary>The request as a policy input; a value that cannot be read (now, rate_counts, …) is said, never a stack trace.</summary>
    private static PolicyInput? ReadInput(string path, YamlMappingNode root)
    {
        var request = RequestOf(root);
        if (PolicyTestReader.UnknownRequestKeys(request) is { Count: > 0 } unknown)
        {
            foreach (var key in unknown)
            {
                Output.Error($"{path}:{key}");
            }

            return null;
        }

        if (PolicyTestReader.TryReadRequest(request, "dev", out var problem) is { } input)
        {
            return input;
        }

        Output.Error($"{path}: a value in the request cannot be read: {problem} (now: an ISO 8601 time such as 2026-12-05T14:00:00Z; rate_counts: whole numbers; sender_constraint: bearer, mtls or dpop)");
        return null;
    }

    /// <summary>A request file is the request mapping itself, or a test case's (<c>request:</c> inside it).</summary>
    private static YamlMappingNode RequestOf(YamlMappingNode root) =>
        root.Children.TryGetValue("request", out var inner) && inner is YamlMappingNode m ? m : root;

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
