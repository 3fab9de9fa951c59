using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Testing;

namespace Mandate.Core.Tests.Attestation;

/// <summary>
/// Two trusted issuers (workloads and users) whose JWKS files live in a temp folder, a manual clock,
/// and a <see cref="JwtAttestor"/> over them.
/// </summary>
internal sealed class AttestorEnvironment : IDisposable
{
    public const string Audience = "https://mandate.acme.example";
    public const string Agent = "spiffe://acme.example/agents/support";
    public const string Parameter = "actor_token";

    private readonly TempDirectory _dir = new();

    public AttestorEnvironment()
    {
        File.WriteAllText(WorkloadJwksPath, TestIssuer.Jwks(Workloads));
        File.WriteAllText(UserJwksPath, TestIssuer.Jwks(Users));
        WorkloadOptions = new TrustedIssuerOptions { Name = "workloads", Kind = IssuerKind.Workload, Issuer = Workloads.Issuer, JwksFile = WorkloadJwksPath };
        UserOptions = new TrustedIssuerOptions { Name = "acme-idp", Kind = IssuerKind.User, Issuer = Users.Issuer, JwksFile = UserJwksPath };
    }

    public ManualTimeProvider Clock { get; } = new();
    public TestIssuer Workloads { get; } = new("https://spire.acme.example");
    public TestIssuer Users { get; } = new("https://idp.acme.example");
    public string WorkloadJwksPath => _dir.File("workloads.jwks.json");
    public string UserJwksPath => _dir.File("users.jwks.json");
    public TrustedIssuerOptions WorkloadOptions { get; }
    public TrustedIssuerOptions UserOptions { get; }
    public DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>
    /// An attestor trusting both issuers; <paramref name="workload"/> may change the workload issuer's options, and
    /// <paramref name="cache"/> remembers validated tokens.
    /// </summary>
    public JwtAttestor Attestor(Func<TrustedIssuerOptions, TrustedIssuerOptions>? workload = null, ValidatedTokenCache? cache = null)
    {
        var workloadOptions = workload?.Invoke(WorkloadOptions) ?? WorkloadOptions;
        return new JwtAttestor(
            [
                new TrustedIssuer(workloadOptions, new FileJwksSource(WorkloadJwksPath), Audience),
                new TrustedIssuer(UserOptions, new FileJwksSource(UserJwksPath), Audience),
            ],
            Clock,
            cache);
    }

    /// <summary>A workload token for <see cref="Agent"/> addressed to Mandate, then <paramref name="edit"/>.</summary>
    public string WorkloadToken(Action<TokenParts>? edit = null) => Workloads.Token(Agent, Audience, Now, edit);

    /// <summary>A user token for alice of tenant acme addressed to Mandate, then <paramref name="edit"/>.</summary>
    public string UserToken(Action<TokenParts>? edit = null) =>
        Users.Token("alice", Audience, Now, parts =>
        {
            parts.Payload["tenant"] = "acme";
            edit?.Invoke(parts);
        });

    public Task<AttestationResult<WorkloadIdentity>> AttestWorkloadAsync(string token) =>
        Attestor().AttestWorkloadAsync(token, Parameter, CancellationToken.None);

    public Task<AttestationResult<UserIdentity>> AttestUserAsync(string token) =>
        Attestor().AttestUserAsync(token, "subject_token", CancellationToken.None);

    /// <summary>The attestation refused, said why (containing <paramref name="expected"/>), and echoed nothing of the token.</summary>
    public static void AssertRefused<T>(AttestationResult<T> result, string token, string expected)
        where T : class
    {
        Assert.Null(result.Identity);
        Assert.NotNull(result.Failure);
        Assert.True(result.Failure.Contains(expected, StringComparison.Ordinal), $"expected \"{expected}\" in \"{result.Failure}\" (detail: {result.Detail})");
        AssertNoTokenText(result.Failure, token);
        if (result.Detail is not null)
        {
            AssertNoTokenText(result.Detail, token);
        }
    }

    private static void AssertNoTokenText(string message, string token)
    {
        if (token.Length >= 8)
        {
            Assert.DoesNotContain(token, message, StringComparison.Ordinal);
        }

        foreach (var part in token.Split('.').Where(p => p.Length >= 8))
        {
            Assert.DoesNotContain(part, message, StringComparison.Ordinal);
        }
    }

    public void Dispose()
    {
        Workloads.Dispose();
        Users.Dispose();
        _dir.Dispose();
    }
}
