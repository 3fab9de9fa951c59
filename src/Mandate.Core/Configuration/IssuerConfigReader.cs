using Mandate.Core.Protocol;

namespace Mandate.Core.Configuration;

/// <summary>Reads one entry of <c>issuers:</c> (a trust source) from mandate.yaml.</summary>
internal static class IssuerConfigReader
{
    public static TrustedIssuerOptions? Read(YamlMapping m, string baseDir)
    {
        var name = m.String("name", required: true);
        var kindText = m.String("kind", required: true);
        var issuer = m.String("issuer", required: true);
        var jwksFile = m.String("jwks_file");
        var jwksUrl = m.String("jwks_url");
        var audience = m.String("audience");
        var algorithms = m.StringList("algorithms");
        var types = m.StringList("types");
        var allowMissingType = m.Bool("allow_missing_typ");
        var skew = m.Duration("clock_skew", TimeSpan.FromMinutes(5));
        var tenantClaim = m.String("tenant_claim");
        var tenants = m.StringList("tenants");
        var devSigner = m.Bool("dev_signer") ?? false;
        var refresh = m.Duration("jwks_refresh");
        var minRefresh = m.Duration("jwks_min_refresh_interval");

        IssuerKind? kind = kindText switch
        {
            "workload" => IssuerKind.Workload,
            "user" => IssuerKind.User,
            "ci" => IssuerKind.Ci,
            null => null,
            _ => null,
        };
        if (kindText is not null && kind is null)
        {
            m.Problem("kind", $"'{kindText}' is not a kind; use 'workload' (agents and tools), 'user' (people) or 'ci' (evidence posters such as CI)");
        }

        Uri? url = null;
        if (jwksUrl is not null && (!Uri.TryCreate(jwksUrl, UriKind.Absolute, out url) || url.Scheme is not ("https" or "http")))
        {
            m.Problem("jwks_url", "must be an absolute https URL");
            url = null;
        }
        else if (url is { Scheme: "http", IsLoopback: false })
        {
            // Keys fetched over plain http from another host can be swapped in transit, and with them every identity.
            m.Problem("jwks_url", "plain http is only allowed on loopback; use https");
            url = null;
        }

        if ((jwksFile is null) == (jwksUrl is null))
        {
            m.Problem("jwks_file", "give exactly one of jwks_file or jwks_url");
        }

        foreach (var alg in (algorithms ?? []).Where(a => !ConfigRules.AsymmetricAlgorithms.Contains(a)))
        {
            // RFC 8725 §3.1/§3.2: only asymmetric algorithms, so a public key can never act as an HMAC secret.
            m.Problem("algorithms", $"'{alg}' is not allowed; use asymmetric algorithms ({string.Join(", ", ConfigRules.AsymmetricAlgorithms)})");
        }

        if (jwksUrl is null && (refresh is not null || minRefresh is not null))
        {
            m.Problem(refresh is not null ? "jwks_refresh" : "jwks_min_refresh_interval", "applies to jwks_url only; a jwks_file is re-read whenever it changes");
        }

        var defaults = new TrustedIssuerOptions { Name = name ?? "", Kind = kind ?? IssuerKind.Workload, Issuer = issuer ?? "" };
        if ((refresh ?? defaults.JwksRefresh) < (minRefresh ?? defaults.JwksMinRefreshInterval) || refresh > TimeSpan.FromHours(24))
        {
            m.Problem("jwks_refresh", "must be at least jwks_min_refresh_interval and at most 24h");
        }

        var profile = IssuerProfileConfigReader.Read(m, kind);
        var evidenceSubjects = ReadEvidenceSubjects(m, name, kind);
        if (name is null || kind is null || issuer is null)
        {
            return null;
        }

        return profile with
        {
            Name = name,
            Kind = kind.Value,
            Issuer = issuer,
            JwksFile = jwksFile is null ? null : ConfigLoader.Resolve(baseDir, jwksFile),
            JwksUrl = url,
            Audience = audience,
            Algorithms = algorithms ?? defaults.Algorithms,
            Types = types ?? profile.Types,
            AllowMissingType = allowMissingType ?? defaults.AllowMissingType,
            ClockSkew = skew ?? defaults.ClockSkew,
            TenantClaim = tenantClaim ?? defaults.TenantClaim,
            Tenants = tenants ?? defaults.Tenants,
            DevSigner = devSigner,
            JwksRefresh = refresh ?? defaults.JwksRefresh,
            JwksMinRefreshInterval = minRefresh ?? defaults.JwksMinRefreshInterval,
            EvidenceSubjects = evidenceSubjects,
        };
    }

    /// <summary>
    /// evidence_subjects: required of a ci issuer, so no CI job can vouch for every change by default; refused on other kinds.
    /// </summary>
    private static IReadOnlyList<string> ReadEvidenceSubjects(YamlMapping m, string? name, IssuerKind? kind)
    {
        var subjects = m.StringList("evidence_subjects");
        if (kind is { } k && k != IssuerKind.Ci)
        {
            if (subjects is not null)
            {
                m.Problem("evidence_subjects", "applies to issuers of kind ci only (who may post evidence, and for which subjects)");
            }

            return [];
        }

        if (kind == IssuerKind.Ci && (subjects is null || subjects.Count == 0))
        {
            m.Problem("evidence_subjects", $"issuer '{name}' is of kind ci but does not say which subjects its tokens may post evidence for; "
                + "add evidence_subjects, e.g. [\"{repository}@{sha}\"], or evidence_subjects: [\"*\"] to accept any subject knowingly");
            return [];
        }

        foreach (var text in subjects ?? [])
        {
            if (!EvidenceSubjectTemplate.TryParse(text, out _, out var problem))
            {
                m.Problem("evidence_subjects", $"'{text}' {problem}");
            }
        }

        return subjects ?? [];
    }
}
