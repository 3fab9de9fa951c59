using Mandate.Core.Protocol;
using Mandate.Policy;

namespace Mandate.Core.Configuration;

/// <summary>Checks that span several settings, run after the file was read.</summary>
internal static class ConfigRules
{
    public static readonly IReadOnlySet<string> AsymmetricAlgorithms =
        new SortedSet<string>(StringComparer.Ordinal) { "ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512" };

    public static void Check(MandateOptions o, YamlMapping root)
    {
        if (!SpiffeId.IsValidTrustDomain(o.TrustDomain))
        {
            root.Problem("trust_domain", "must be a lowercase DNS-like name such as acme.example");
        }

        if (!Uri.TryCreate(o.Issuer, UriKind.Absolute, out var issuer) || issuer.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(issuer.Query) || !string.IsNullOrEmpty(issuer.Fragment))
        {
            // RFC 8414 §2: the issuer is an https URL without query or fragment (http only on loopback for development).
            root.Problem("issuer", "must be an absolute https URL without query or fragment");
        }
        else if (issuer.Scheme == "http" && !issuer.IsLoopback)
        {
            root.Problem("issuer", "plain http is only allowed on loopback; use https");
        }

        if (o.Lifetimes.Default > o.Lifetimes.Max)
        {
            root.Problem(["lifetimes", "default"], $"default ({Duration.Format(o.Lifetimes.Default)}) exceeds max ({Duration.Format(o.Lifetimes.Max)})");
        }

        if (o.Lifetimes.Max > TimeSpan.FromHours(1))
        {
            root.Problem(["lifetimes", "max"], "max may not exceed 1h: short credentials are the point");
        }

        if (o.Runs.TokenLifetime > o.Runs.MaxDuration)
        {
            root.Problem(["runs", "token_lifetime"], $"token_lifetime ({Duration.Format(o.Runs.TokenLifetime)}) exceeds max_duration ({Duration.Format(o.Runs.MaxDuration)})");
        }

        if (o.Keys.RotateEvery < TimeSpan.FromMinutes(5))
        {
            root.Problem(["keys", "rotate_every"], "rotate_every must be at least 5m");
        }

        if (o.Keys.PublishAhead >= o.Keys.RotateEvery)
        {
            root.Problem(["keys", "publish_ahead"], "publish_ahead must be shorter than rotate_every: a key is published that long before it signs, within its rotation period");
        }

        if (!ConfiguredSecret.IsVariableName(o.Keys.KekEnvironmentVariable))
        {
            // The key itself pasted here would sit in mandate.yaml beside the keys it seals.
            root.Problem(["keys", "kek_env"], "must name an environment variable (letters, digits, _), not hold the key-encryption key itself; e.g. kek_env: MANDATE_KEK");
        }

        foreach (var tool in o.Tools.Where(t => t.Kind == CredentialKind.X509 && !o.Spiffe.Enabled))
        {
            // Its certificates come only from Mandate's own CA; without it every exchange for the tool would be refused.
            root.Problem(["tools", root.IndexOf("tools", "name", tool.Name), "kind"],
                $"tool '{tool.Name}' is kind x509: its client certificates come from Mandate's SPIFFE CA, which is off; set spiffe.enabled: true (docs/spiffe-ca.md)");
        }

        CheckUnique(root, "issuers", o.Issuers.Select(i => i.Issuer), "issuer");
        IssuerProfileConfigReader.Check(o, root);
        CheckUnique(root, "agents", o.Agents.Select(a => a.Id), "agent");
        CheckUnique(root, "tools", o.Tools.Select(t => t.Resource), "tool resource");
        foreach (var same in o.Tools.GroupBy(t => ResourceUri.OriginForm(t.Resource)).Where(g => g.Key is not null && g.Select(t => t.Resource).Distinct(StringComparer.Ordinal).Count() > 1))
        {
            root.Problem("tools", $"tools {string.Join(" and ", same.Select(t => $"'{t.Name}' ({t.Resource})"))} name the same resource (RFC 3986 section 6.2.3: an empty path is '/', scheme and host ignore case); give each tool its own resource");
        }

        SpiffeConfigReader.CheckIssuers(o, root);

        // Without the key at all, "issuers: is required" already says it.
        if (root.Has("issuers") && !o.Issuers.Any(i => i.Kind == IssuerKind.Workload))
        {
            root.Problem("issuers", "at least one issuer of kind 'workload' is needed: agents authenticate with workload identities");
        }

        if (o.Issuers.Any(i => i.DevSigner) && o.Environment is "prod" or "production")
        {
            root.Problem("issuers", $"dev_signer is for development only and is refused when environment is '{o.Environment}'; remove dev_signer from the issuer and trust the real issuer's keys");
        }

        var agentIds = o.Agents.Select(a => a.Id).ToList();
        foreach (var agent in o.Agents)
        {
            // Entries the reader refused are not in o.Agents, so the file's own position is looked up.
            var i = root.IndexOf("agents", "id", agent.Id);
            // Without trust_domain (already reported as required) every agent would be outside the default one.
            if (root.Has("trust_domain") && SpiffeId.TryGetTrustDomain(agent.Id, out var td) && td != o.TrustDomain)
            {
                root.Problem(["agents", i, "id"], $"agent '{agent.Id}' is outside the trust domain '{o.TrustDomain}'");
            }

            if (agent.MaxLifetime > o.Lifetimes.Max)
            {
                root.Problem(["agents", i, "max_lifetime"], $"agent '{agent.Id}' max_lifetime exceeds lifetimes.max ({Duration.Format(o.Lifetimes.Max)})");
            }

            // A misspelt sub-agent would refuse the one meant, with nothing to say why.
            foreach (var sub in (agent.SubAgents ?? []).Where(s => !agentIds.Contains(s, StringComparer.Ordinal)))
            {
                root.Problem(["agents", i, "sub_agents"], $"sub-agent '{sub}' of agent '{agent.Id}' is not registered under agents" +
                    (NameSuggestions.Closest(sub, agentIds) is { } suggestion ? $"; did you mean '{suggestion}'?" : string.Empty));
            }
        }

        // A misspelt tool would leave console approvers unable to decide anything, with no word of why.
        var toolNames = o.Tools.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var tool in o.Console.Approvers.Tools.Where(t => !toolNames.Contains(t)))
        {
            root.Problem(["console", "approvers", "tools"], UndefinedTool(tool, toolNames));
        }
    }

    /// <summary>The problem of a tool name that no entry under <c>tools:</c> has, with the closest one that does.</summary>
    public static string UndefinedTool(string tool, IReadOnlyCollection<string> toolNames) =>
        $"tool '{tool}' is not defined under tools" +
        (NameSuggestions.Closest(tool, toolNames) is { } suggestion ? $"; did you mean '{suggestion}'?" : string.Empty);

    private static void CheckUnique(YamlMapping root, string key, IEnumerable<string> values, string what)
    {
        foreach (var dup in values.GroupBy(v => v, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            root.Problem(key, $"{what} '{dup.Key}' appears more than once");
        }
    }
}
