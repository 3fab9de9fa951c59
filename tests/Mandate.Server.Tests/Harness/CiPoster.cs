using Mandate.Core.Development;

namespace Mandate.Server.Tests.Harness;

/// <summary>A development issuer of kind <c>ci</c> added to a test configuration, and its tokens: who may post evidence.</summary>
internal static class CiPoster
{
    public const string Issuer = "https://token.actions.example";

    /// <summary><paramref name="configuration"/> (one derived from <see cref="TestBroker.Configuration"/>) with the CI issuer.</summary>
    public static string AddTo(string configuration) => configuration.Replace(
        "tenants: [acme, partner] }\n",
        $"tenants: [acme, partner] }}\n  - {{ name: ci, kind: ci, issuer: {Issuer}, jwks_file: ci.jwks.json, dev_signer: true, evidence_subjects: ['{{repository}}@*'] }}\n",
        StringComparison.Ordinal);

    /// <summary>A CI job's token for <paramref name="broker"/>, valid ten minutes.</summary>
    public static string Token(BrokerHarness broker)
    {
        using var ci = DevIssuer.Ensure(broker.Options.Issuers.Single(i => i.Issuer == Issuer), broker.Options.DataDirectory);
        return ci.CreateToken("repo:acme/shop:ref:refs/heads/main", broker.Options.Issuer, TimeSpan.FromMinutes(10), new Dictionary<string, object> { ["repository"] = "acme/shop" }, broker.Now);
    }
}
