using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mandate.Core.Policy.Testing;

/// <summary>
/// Reads a policy test file (see docs/policy.md, "Testing policies"): <c>policy:</c> (path relative to the
/// file) and <c>cases:</c>, each with a <c>request</c> and <c>expect: allow|deny|pending</c>, optionally the
/// deciding <c>rule</c> and <c>reason_contains</c>.
/// </summary>
public static class PolicyTestLoader
{
    /// <summary>True when the file is a mapping with a top-level <c>cases</c> key (so policies in the same folder are skipped).</summary>
    public static bool IsTestFile(string path)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(File.ReadAllText(path)));
            return stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root && root.Children.ContainsKey("cases");
        }
        catch (Exception e) when (e is YamlException or IOException or UnauthorizedAccessException)
        {
            // Unreadable files are reported by Load when named directly; a folder scan only skips them.
            return false;
        }
    }

    public static PolicyTestFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var problems = new List<string>();
        var cases = new List<PolicyTestCase>();
        string? policy = null;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(File.ReadAllText(path)));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            {
                return new PolicyTestFile { Path = path, Problems = [$"{path}: a test file is a mapping with 'policy' and 'cases'"] };
            }

            policy = Scalar(root, "policy") is { } p ? System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, p)) : null;
            if (policy is null)
            {
                problems.Add($"{path}: 'policy' is required (the policy file, relative to this file)");
            }

            if (root.Children.TryGetValue("cases", out var list) && list is YamlSequenceNode sequence)
            {
                foreach (var item in sequence.OfType<YamlMappingNode>())
                {
                    var c = ReadCase(item, Scalar(root, "environment") ?? "dev", path, problems);
                    if (c is not null)
                    {
                        cases.Add(c);
                    }
                }
            }
            else
            {
                problems.Add($"{path}: 'cases' must be a list of test cases");
            }
        }
        catch (Exception e) when (e is YamlException or IOException or UnauthorizedAccessException)
        {
            problems.Add($"{path}: {e.Message}");
        }

        return new PolicyTestFile { Path = path, PolicyPath = policy, Cases = cases, Problems = problems };
    }

    /// <summary>Reads one <c>request:</c> mapping into a policy input (also used by <c>mandate policy explain</c>).</summary>
    public static PolicyInput ReadRequest(YamlMappingNode r, string environment)
    {
        ArgumentNullException.ThrowIfNull(r);
        var user = Scalar(r, "user");
        var subject = Scalar(r, "subject") ?? (user is null ? "agent" : "user");
        var userTenant = Scalar(r, "user_tenant") ?? (user is null ? null : Scalar(r, "tenant"));
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
            RunId = Scalar(r, "run"),
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
        var name = Scalar(item, "name") ?? $"case at line {line}";
        var expect = Scalar(item, "expect") switch
        {
            "allow" => ExpectedOutcome.Allow,
            "deny" => ExpectedOutcome.Deny,
            "pending" => ExpectedOutcome.Pending,
            _ => (ExpectedOutcome?)null,
        };
        if (expect is null || !item.Children.TryGetValue("request", out var request) || request is not YamlMappingNode r)
        {
            problems.Add($"{path}:{line}: case '{name}' needs 'request' (a mapping) and 'expect: allow|deny|pending'");
            return null;
        }

        try
        {
            var rule = Scalar(item, "rule");
            return new PolicyTestCase
            {
                Name = name,
                Input = ReadRequest(r, environment),
                Expect = expect.Value,
                Rule = rule == "none" ? null : rule,
                ExpectNoRule = rule == "none",
                ReasonContains = Scalar(item, "reason_contains"),
                Line = line,
            };
        }
        catch (FormatException e)
        {
            problems.Add($"{path}:{line}: case '{name}': {e.Message}");
            return null;
        }
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
