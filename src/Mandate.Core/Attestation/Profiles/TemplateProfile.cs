using Mandate.Core.Configuration;
using Mandate.Core.Protocol;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.Core.Attestation.Profiles;

/// <summary>
/// <c>github-actions</c> and generic <c>oidc</c>: the workload's SPIFFE ID is the issuer's spiffe_id template
/// with each <c>{claim}</c> replaced by that claim of the token. Conditions on claims (repository, ref,
/// workflow, environment, ...) are written as required_claims, which are checked before mapping.
/// </summary>
internal sealed class TemplateProfile : IIdentityProfile
{
    public TemplateProfile(string name) => Name = name;

    public string Name { get; }

    public ProfileMapping Map(JsonWebToken jwt, TrustedIssuer issuer, string parameter)
    {
        var name = issuer.Options.Name;
        if (issuer.Options.SpiffeIdTemplate is not { } text || !SpiffeIdTemplate.TryParse(text, out var template, out _))
        {
            return ProfileMapping.Refuse($"issuer '{name}' has no valid spiffe_id template; an operator must set one");
        }

        if (!template!.TryExpand(claim => ClaimText.ReadString(jwt, claim), out var spiffeId, out var failed))
        {
            return ProfileMapping.Refuse($"{parameter} claim '{failed}' is missing or is not a safe SPIFFE path value (letters, digits, '.', '-', '_', '/' between segments), so issuer '{name}' cannot map it through spiffe_id {text}; use a template over claims that name the workload safely");
        }

        // The template was checked at start-up; this guards the whole ID (length, segments) after substitution.
        if (!SpiffeId.TryGetTrustDomain(spiffeId, out var domain) || (issuer.TrustDomain is { } expected && domain != expected))
        {
            return ProfileMapping.Refuse($"issuer '{name}' maps {parameter} to an identity outside its trust domain or not a SPIFFE ID (spiffe_id {text})");
        }

        return ProfileMapping.To(spiffeId);
    }
}
