using Mandate.Core.Protocol;

namespace Mandate.Core.Configuration;

/// <summary>
/// Reads the identity-mapping keys of one <c>issuers:</c> entry: profile, trust_domain, spiffe_id,
/// required_claims, namespaces, require_pod_binding (see docs/trust-sources.md).
/// </summary>
internal static class IssuerProfileConfigReader
{
    /// <summary>The profile settings on an otherwise empty options record; problems are reported on <paramref name="m"/>.</summary>
    public static TrustedIssuerOptions Read(YamlMapping m, IssuerKind? kind)
    {
        var profileText = m.String("profile");
        var trustDomain = m.String("trust_domain");
        var template = m.String("spiffe_id");
        var namespaces = m.StringList("namespaces");
        var podBinding = m.Bool("require_pod_binding");
        var required = ReadRequiredClaims(m);

        var profile = profileText is null ? null : IssuerProfileNames.Parse(profileText);
        if (profileText is not null && profile is null)
        {
            m.Problem("profile", $"'{profileText}' is not a profile; use one of {string.Join(", ", IssuerProfileNames.Names)}");
        }
        else if (profile is not null && kind == IssuerKind.User)
        {
            m.Problem("profile", "applies to workload and ci issuers; a user issuer names the user by 'sub' and the tenant by tenant_claim");
        }

        var effective = profile ?? (kind == IssuerKind.Workload ? IssuerProfile.JwtSvid : null);
        if (trustDomain is not null && !SpiffeId.IsValidTrustDomain(trustDomain))
        {
            m.Problem("trust_domain", "must be a lowercase DNS-like name such as acme.example");
        }

        var usesTemplate = effective is IssuerProfile.GitHubActions or IssuerProfile.Oidc;
        if (usesTemplate && template is null)
        {
            m.Problem("spiffe_id", $"profile {IssuerProfileNames.NameOf(effective!.Value)} needs a spiffe_id template, e.g. spiffe://acme.example/ci/github/{{repository}}");
        }
        else if (!usesTemplate && template is not null)
        {
            m.Problem("spiffe_id", "applies to profiles github-actions and oidc only; jwt-svid takes the ID from 'sub' and kubernetes from the service account");
        }
        else if (template is not null)
        {
            if (!SpiffeIdTemplate.TryParse(template, out var parsed, out var problem))
            {
                m.Problem("spiffe_id", $"'{template}' {problem}");
            }
            else if (trustDomain is not null && parsed!.TrustDomain != trustDomain)
            {
                m.Problem("spiffe_id", $"maps into trust domain '{parsed.TrustDomain}', but the issuer's trust_domain is '{trustDomain}'");
            }
        }

        if (effective != IssuerProfile.Kubernetes && (namespaces is not null || podBinding is not null))
        {
            m.Problem(namespaces is not null ? "namespaces" : "require_pod_binding", "applies to profile kubernetes only");
        }

        foreach (var ns in (namespaces ?? []).Where(n => !SpiffeIdTemplate.IsSafeSegment(n)))
        {
            m.Problem("namespaces", $"'{ns}' is not a Kubernetes namespace name");
        }

        var defaults = new TrustedIssuerOptions { Name = "", Kind = kind ?? IssuerKind.Workload, Issuer = "" };
        return defaults with
        {
            Profile = effective,
            TrustDomain = trustDomain,
            SpiffeIdTemplate = template,
            RequiredClaims = required,
            Namespaces = namespaces ?? defaults.Namespaces,
            RequirePodBinding = podBinding ?? defaults.RequirePodBinding,
            // A conforming JWT-SVID may carry either typ (JWT-SVID §2.3); the other profiles' tokens are JWTs.
            Types = effective == IssuerProfile.JwtSvid ? Spiffe.JwtSvid.Types : defaults.Types,
        };
    }

    /// <summary>
    /// Checks that need the top-level settings: a template must map into the issuer's trust domain, which
    /// defaults to Mandate's own.
    /// </summary>
    public static void Check(MandateOptions o, YamlMapping root)
    {
        foreach (var issuer in o.Issuers.Where(i => i.TrustDomain is null && i.SpiffeIdTemplate is not null))
        {
            if (SpiffeIdTemplate.TryParse(issuer.SpiffeIdTemplate!, out var template, out _) && template!.TrustDomain != o.TrustDomain)
            {
                root.Problem("issuers", $"issuer '{issuer.Name}' spiffe_id maps into trust domain '{template.TrustDomain}', not '{o.TrustDomain}'; fix the template or set the issuer's trust_domain");
            }
        }
    }

    private static Dictionary<string, IReadOnlyList<string>> ReadRequiredClaims(YamlMapping m) =>
        m.Map("required_claims", claims =>
        {
            var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            if (claims.Node is not YamlDotNet.RepresentationModel.YamlMappingNode node)
            {
                return result;
            }

            foreach (var key in node.Children.Keys.OfType<YamlDotNet.RepresentationModel.YamlScalarNode>().Select(k => k.Value).OfType<string>())
            {
                var values = claims.StringList(key);
                if (values is null || values.Count == 0)
                {
                    claims.Problem(key, "must be a value or a list of allowed values");
                    continue;
                }

                foreach (var bad in values.Where(v => !RequiredClaims.IsValidPattern(v)))
                {
                    claims.Problem(key, $"'{bad}' is not an allowed value; write an exact value, or a prefix followed by one '*' at the end");
                }

                result[key] = values;
            }

            return result;
        });
}
