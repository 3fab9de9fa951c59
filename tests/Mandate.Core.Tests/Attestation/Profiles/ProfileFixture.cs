using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Testing;

namespace Mandate.Core.Tests.Attestation.Profiles;

/// <summary>
/// One trusted issuer with a profile, its key in a JWKS file, a manual clock and an attestor over it;
/// Mandate's trust domain is acme.example.
/// </summary>
internal sealed class ProfileFixture : IDisposable
{
    public const string Audience = AttestorEnvironment.Audience;
    public const string TrustDomain = "acme.example";
    public const string Parameter = AttestorEnvironment.Parameter;

    private readonly TempDirectory _dir = new();

    public ProfileFixture(string issuer)
    {
        Issuer = new TestIssuer(issuer);
        File.WriteAllText(JwksPath, TestIssuer.Jwks(Issuer));
    }

    public ManualTimeProvider Clock { get; } = new();
    public TestIssuer Issuer { get; }
    public string JwksPath => _dir.File("issuer.jwks.json");
    public DateTimeOffset Now => Clock.GetUtcNow();

    public TrustedIssuerOptions Options(IssuerProfile profile, IssuerKind kind = IssuerKind.Workload) =>
        new() { Name = "test-issuer", Kind = kind, Issuer = Issuer.Issuer, JwksFile = JwksPath, Profile = profile };

    public JwtAttestor Attestor(TrustedIssuerOptions options) =>
        new([new TrustedIssuer(options, new FileJwksSource(JwksPath), Audience) { DefaultTrustDomain = TrustDomain }], Clock);

    public string Token(string subject, Action<TokenParts>? edit = null) => Issuer.Token(subject, Audience, Now, edit);

    public Task<AttestationResult<WorkloadIdentity>> AttestAsync(TrustedIssuerOptions options, string token) =>
        Attestor(options).AttestWorkloadAsync(token, Parameter, CancellationToken.None);

    public void Dispose()
    {
        Issuer.Dispose();
        _dir.Dispose();
    }
}
