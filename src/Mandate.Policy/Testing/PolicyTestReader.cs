using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Mandate.Policy.Testing;

/// <summary>
/// Reads the text of a policy test file (see docs/policy.md, "Testing policies"): <c>policy:</c> (path relative to
/// the file, returned as written) and <c>cases:</c>, each with a <c>request</c> and <c>expect: allow|deny|pending</c>,
/// optionally the deciding <c>rule</c>, the agent the decision is <c>decided_by</c> and <c>reason_contains</c>. Pure: the caller reads the file and resolves the
/// policy path.
/// </summary>
public static partial class PolicyTestReader
{
    /// <summary>
    /// What YAML text found in a test folder is: a test file (a mapping with a top-level <c>cases</c> key), something
    /// else such as the policy under test (skipped), or text that cannot be parsed, which is a failure: a test file
    /// with a syntax slip must never be skipped silently.
    /// </summary>
    /// <param name="text">The file's text.</param>
    /// <param name="path">The file, for problem locations.</param>
    public static PolicyTestProbe Probe(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stream = Parse(text, path, out var problem);
        if (stream is null)
        {
            return new PolicyTestProbe(PolicyTestFileKind.Unreadable, problem);
        }

        var isTest = stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root && root.Children.ContainsKey("cases");
        return new PolicyTestProbe(isTest ? PolicyTestFileKind.Tests : PolicyTestFileKind.Other, null);
    }

    /// <summary>Reads a test file's text; <see cref="PolicyTestFile.PolicyPath"/> is the <c>policy:</c> value as written.</summary>
    /// <param name="text">The file's text.</param>
    /// <param name="path">The file, for problem locations.</param>
    public static PolicyTestFile Read(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        var problems = new List<string>();
        var cases = new List<PolicyTestCase>();
        if (Parse(text, path, out var syntaxProblem) is not { } stream)
        {
            return new PolicyTestFile { Path = path, Problems = [syntaxProblem ?? $"{path}: not valid YAML"] };
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return new PolicyTestFile { Path = path, Problems = [$"{path}:1:1: a test file is a mapping with 'policy' and 'cases'"] };
        }

        problems.AddRange(UnknownKeys(root, "test file", FileKeys).Select(p => $"{path}:{p}"));
        var policy = Scalar(root, "policy");
        if (policy is null)
        {
            problems.Add($"{path}:{root.Start.Line}:{root.Start.Column}: 'policy' is required (the policy file, relative to this file)");
        }

        if (root.Children.TryGetValue("cases", out var list) && list is YamlSequenceNode sequence)
        {
            foreach (var item in sequence)
            {
                if (item is not YamlMappingNode mapping)
                {
                    problems.Add($"{path}:{item.Start.Line}:{item.Start.Column}: each case is a mapping with 'name', 'request' and 'expect'");
                    continue;
                }

                var c = ReadCase(mapping, Scalar(root, "environment") ?? "dev", path, problems);
                if (c is not null)
                {
                    cases.Add(c);
                }
            }
        }
        else
        {
            var at = list ?? root;
            problems.Add($"{path}:{at.Start.Line}:{at.Start.Column}: 'cases' must be a list of test cases");
        }

        return new PolicyTestFile { Path = path, PolicyPath = policy, Cases = cases, Problems = problems };
    }

    /// <summary>Parses text; on failure returns null with a <c>file:line:column</c> problem saying what to check.</summary>
    private static YamlStream? Parse(string text, string path, out string? problem)
    {
        var stream = YamlText.TryLoad(text, out var error);
        problem = error is null ? null : $"{path}:{error.Line}:{error.Column}: not valid YAML: {error.Message}";
        return stream;
    }

    /// <summary>
    /// <see cref="ReadRequest"/> for a request file (<c>mandate policy explain</c>): a value that cannot be read (<c>now</c>,
    /// <c>rate_counts</c>, <c>sender_constraint</c>, …) comes back as <paramref name="problem"/>, never as an exception.
    /// </summary>
    public static PolicyInput? TryReadRequest(YamlMappingNode r, string environment, out string? problem) =>
        TryRead(() => ReadRequest(r, environment), out problem);

    /// <summary>
    /// The MCP <c>tools/call</c> a request file describes with <c>mcp: {tool, arguments}</c>, or null (and no
    /// <paramref name="problem"/>) when it has no <c>mcp:</c> and is a token request.
    /// </summary>
    public static McpCallInput? TryReadMcpCall(YamlMappingNode r, string environment, out string? problem) =>
        TryRead(() => ReadMcpCall(r, environment), out problem);

    private static T? TryRead<T>(Func<T?> read, out string? problem)
        where T : class
    {
        problem = null;
        try
        {
            return read();
        }
        catch (FormatException e)
        {
            problem = e.Message;
        }
        catch (OverflowException e)
        {
            problem = e.Message;
        }
        catch (InvalidCastException e)
        {
            problem = e.Message;
        }

        return null;
    }

    /// <summary>Reads one <c>request:</c> mapping into a policy input.</summary>
    public static PolicyInput ReadRequest(YamlMappingNode r, string environment)
    {
        ArgumentNullException.ThrowIfNull(r);
        RefuseUnknownRequestKeys(r);
        var user = Scalar(r, "user");
        var subject = Scalar(r, "subject") ?? (user is null ? "agent" : "user");
        var userTenant = Scalar(r, "user_tenant") ?? (user is null ? null : Scalar(r, "tenant"));
        var delegators = ReadDelegators(r);
        var depth = ReadDepth(r, delegators.Count);
        return new PolicyInput
        {
            Agent = Scalar(r, "agent") ?? "",
            Tool = Scalar(r, "tool") ?? "",
            Scopes = Strings(r, "scopes"),
            Tenant = Scalar(r, "tenant") ?? "",
            Subject = subject == "agent" ? SubjectKind.Agent : SubjectKind.User,
            User = user,
            UserTenant = subject == "agent" ? null : userTenant,
            Environment = Scalar(r, "environment") ?? environment,
            Now = Scalar(r, "now") is { } now ? DateTimeOffset.Parse(now, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : DateTimeOffset.UnixEpoch,
            RunId = Scalar(r, "run") ?? (depth > 0 ? GeneratedRun(depth) : null),
            DelegationDepth = depth,
            UserClaims = r.Children.TryGetValue("user_claims", out var claims) && YamlValues.ToValue(claims) is IReadOnlyDictionary<string, object?> map ? map : new Dictionary<string, object?>(),
            AuthorizationDetails = r.Children.TryGetValue("authorization_details", out var details) && YamlValues.ToValue(details) is IReadOnlyList<object?> l ? l : [],
            EvidenceSubject = Scalar(r, "evidence_subject"),
            Evidence = Map(r, "evidence").ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal),
            SenderConstraint = Scalar(r, "sender_constraint") switch
            {
                null or "none" or "bearer" => SenderConstraintKind.None,
                "mtls" => SenderConstraintKind.Mtls,
                "dpop" => SenderConstraintKind.Dpop,
                var other => throw new FormatException($"sender_constraint '{other}' must be bearer, mtls or dpop"),
            },
            RateCounts = Map(r, "rate_counts").ToDictionary(e => e.Key, e => long.Parse(e.Value, CultureInfo.InvariantCulture), StringComparer.Ordinal),
        };
    }

    private static PolicyTestCase? ReadCase(YamlMappingNode item, string environment, string path, List<string> problems)
    {
        var line = (int)item.Start.Line;
        var at = $"{path}:{line}:{item.Start.Column}";
        var name = Scalar(item, "name") ?? $"case at line {line}";
        var unknown = UnknownKeys(item, $"case '{name}'", CaseKeys).Select(p => $"{path}:{p}").ToList();
        if (unknown.Count > 0)
        {
            problems.AddRange(unknown);
            return null;
        }

        var expect = Scalar(item, "expect") switch
        {
            "allow" => ExpectedOutcome.Allow,
            "deny" => ExpectedOutcome.Deny,
            "pending" => ExpectedOutcome.Pending,
            _ => (ExpectedOutcome?)null,
        };
        if (expect is null || !item.Children.TryGetValue("request", out var request) || request is not YamlMappingNode r)
        {
            problems.Add($"{at}: case '{name}' needs 'request' (a mapping) and 'expect: allow|deny|pending'");
            return null;
        }

        try
        {
            var rule = Scalar(item, "rule");
            return new PolicyTestCase
            {
                Name = name,
                Input = ReadRequest(r, environment),
                McpCall = ReadMcpCall(r, environment),
                Delegators = ReadDelegators(r),
                Expect = expect.Value,
                Rule = rule == "none" ? null : rule,
                ExpectNoRule = rule == "none",
                ReasonContains = Scalar(item, "reason_contains"),
                DecidedBy = Scalar(item, "decided_by"),
                Line = line,
            };
        }
        catch (FormatException e)
        {
            problems.Add($"{at}: case '{name}': {e.Message}");
        }
        catch (OverflowException e)
        {
            problems.Add($"{at}: case '{name}': {e.Message}");
        }
        catch (InvalidCastException e)
        {
            problems.Add($"{at}: case '{name}': {e.Message}");
        }

        return null;
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) && value is YamlScalarNode s ? s.Value : null;

    private static List<string> Strings(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) && value is YamlSequenceNode s ? [.. s.OfType<YamlScalarNode>().Select(x => x.Value ?? "")] : [];

    private static IEnumerable<KeyValuePair<string, string>> Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) && value is YamlMappingNode m
            ? m.Children.Select(e => new KeyValuePair<string, string>(((YamlScalarNode)e.Key).Value ?? "", (e.Value as YamlScalarNode)?.Value ?? ""))
            : [];
}
