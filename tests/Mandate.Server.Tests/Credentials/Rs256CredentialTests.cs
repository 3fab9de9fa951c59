using System.Text.Json;
using Mandate.Core.Audit;
using Mandate.Core.Keys;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Credentials;

/// <summary>
/// RFC 9068 §2.1 ("MUST include RS256 among their supported signature algorithms"): a tool with <c>signing_alg: RS256</c>
/// gets credentials signed by the node's RS256 key, published beside the ES256 keys; everything else is as for ES256.
/// </summary>
public sealed class Rs256CredentialTests : BrokerTest
{
    private static readonly string[] PrivateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

    protected override string Configuration => RsaRefunds;

    /// <summary>The test broker with refunds signed RS256 and crm left at the default ES256.</summary>
    internal static string RsaRefunds => TestBroker.Configuration.Replace(
        $"workloads: [{RefundsWorkload}] }}", $"workloads: [{RefundsWorkload}], signing_alg: RS256 }}", StringComparison.Ordinal);

    [Fact]
    public async Task Issue_Rs256Tool_SignsWithTheNodesRs256KeyAndRecordsItsKid()
    {
        var token = await Broker.IssueAsync();

        var jwt = IssuedTokens.Read(token);
        Assert.Equal(("RS256", "at+jwt"), (jwt.Alg, jwt.Typ));
        Assert.Equal(Broker.Runtime.RsaKeys!.Current.Active.Kid, jwt.Kid);
        var issuance = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance));
        Assert.Equal(jwt.Kid, issuance.Evidence["kid"]);
        Assert.Equal(jwt.Id, issuance.Jti);
    }

    [Fact]
    public async Task Issue_Es256ToolBesideAnRs256Tool_StaysES256()
    {
        var token = await Broker.IssueAsync(Broker.RefundRequest() with { Resource = Crm, Scope = "crm:read" });

        var jwt = IssuedTokens.Read(token);
        Assert.Equal(("ES256", Broker.Runtime.Keys.Current.Active.Kid), (jwt.Alg, jwt.Kid));
    }

    [Fact]
    public async Task Issue_Rs256Tool_VerifiesWithTheBrokersJwksAndCarriesTheSameClaimsAsES256()
    {
        var rsaToken = await Broker.IssueAsync(Broker.RefundRequest() with { Run = "run_same" });
        var ecToken = await Broker.IssueAsync(Broker.RefundRequest() with { Run = "run_same", Resource = Crm, Scope = "crm:read" });

        var jwks = new JsonWebKeySet(await Broker.Http.GetStringAsync(".well-known/jwks.json"));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(rsaToken, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Refunds,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidTypes = ["at+jwt"],
            ValidAlgorithms = ["RS256"],
            LifetimeValidator = (_, _, _, _) => true,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var rsaClaims = IssuedTokens.Read(rsaToken).Claims.Select(c => c.Type).Order(StringComparer.Ordinal);
        var ecClaims = IssuedTokens.Read(ecToken).Claims.Select(c => c.Type).Order(StringComparer.Ordinal);
        Assert.Equal(ecClaims, rsaClaims);
    }

    [Fact]
    public async Task Jwks_WithAnRs256Tool_PublishesOnePublicRsaKeyBesideTheEcKey()
    {
        using var jwks = JsonDocument.Parse(await Broker.Http.GetStringAsync(".well-known/jwks.json"));

        var keys = jwks.RootElement.GetProperty("keys").EnumerateArray().ToList();
        var rsa = Assert.Single(keys, k => k.GetProperty("kty").GetString() == "RSA");
        var ec = Assert.Single(keys, k => k.GetProperty("kty").GetString() == "EC");
        Assert.Equal(("RS256", "sig"), (rsa.GetProperty("alg").GetString(), rsa.GetProperty("use").GetString()));
        Assert.Equal(Broker.Runtime.RsaKeys!.Current.Active.Kid, rsa.GetProperty("kid").GetString());
        Assert.NotEqual(ec.GetProperty("kid").GetString(), rsa.GetProperty("kid").GetString());
        Assert.All(PrivateMembers, m => Assert.False(rsa.TryGetProperty(m, out _), $"private member {m} published"));
        Assert.Equal(2048, Base64UrlEncoder.DecodeBytes(rsa.GetProperty("n").GetString()).Length * 8);
    }

    [Fact]
    public async Task Metadata_WithAnRs256Tool_ListsBothAlgorithms()
    {
        using var metadata = JsonDocument.Parse(await Broker.Http.GetStringAsync(".well-known/oauth-authorization-server"));

        var algorithms = metadata.RootElement.GetProperty("access_token_signing_alg_values_supported").EnumerateArray().Select(a => a.GetString());
        Assert.Equal(["ES256", "RS256"], algorithms);
    }

    [Fact]
    public async Task KeyRotationAudit_WithAnRs256Tool_RecordsTheRsaKeysCreation()
    {
        var records = await Broker.AuditEventsAsync(AuditKinds.KeyRotation);

        var created = Assert.Single(records, r => r.Evidence["purpose"] == KeyPurposes.TokenSigningRs256);
        Assert.Equal(("created", "RS256", Broker.Runtime.RsaKeys!.Current.Active.Kid, "node-a"), (created.Outcome, created.Evidence["alg"], created.Evidence["kid"], created.Node));
    }

    [Fact]
    public async Task Maintenance_RotationDue_PublishesTheNextRsaKeyAheadBesideTheCurrentOne()
    {
        var kid = Broker.Runtime.RsaKeys!.Current.Active.Kid;

        // The maintenance loop ticks on the broker's clock; a due key is published keys.publish_ahead before it signs.
        Broker.Clock.Advance(RotateEvery);

        await Cluster.ClusterHarness.EventuallyAsync(
            async () => (await RsaKidsAsync()).Count == 2, TimeSpan.FromSeconds(10), "the next RSA key is not published");
        Assert.Equal(kid, Broker.Runtime.RsaKeys.Current.Active.Kid);
        Assert.Contains(kid, await RsaKidsAsync());
    }

    [Fact]
    public async Task Introspect_Rs256Credential_IsActive()
    {
        var token = await Broker.IssueAsync();

        var reply = await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload));

        Assert.True(IntrospectionReply.Active(reply), reply.ToString());
        Assert.Equal(IssuedTokens.Read(token).Id, reply.Json.GetProperty("jti").GetString());
    }

    [Theory]
    [MemberData(nameof(ForgeryNames))]
    public async Task Invariant7_Introspect_ForgedRs256Credential_IsInactiveAndChangesNothing(string forgery)
    {
        var genuine = await Broker.IssueAsync();
        var token = Forgeries(Broker).Create(forgery, genuine);
        var before = await Broker.ReadAuditAsync();

        // RFC 8725 §3.1: "each key MUST be used with exactly one algorithm"; RFC 9068 §4: a token that fails
        // validation is refused. RFC 7662 §2.2: an inactive answer says nothing more.
        var reply = await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload));

        IntrospectionReply.AssertInactive(reply);
        var after = await Broker.ReadAuditAsync();
        Assert.Equal(before.Select(r => r.Hash), after.Take(before.Count).Select(r => r.Hash));
        var refusal = Assert.Single(after.Skip(before.Count)).Event;
        Assert.Equal((AuditKinds.Introspection, "rejected"), (refusal.Kind, refusal.Outcome));
        Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance));
    }

    private async Task<List<string>> RsaKidsAsync() =>
        [.. new JsonWebKeySet(await Broker.Http.GetStringAsync(".well-known/jwks.json")).Keys.Where(k => k.Kty == "RSA").Select(k => k.Kid)];

    public static TheoryData<string> ForgeryNames() => new(Rs256Forgeries.Names);

    /// <summary>The forgeries of <paramref name="broker"/>'s credentials, from its own keys.</summary>
    internal static Rs256Forgeries Forgeries(BrokerHarness broker)
    {
        var rsa = broker.Runtime.RsaKeys!.Current;
        var ec = broker.Runtime.Keys.Current.Active;
        return new Rs256Forgeries((System.Security.Cryptography.RSA)rsa.Active.Key, rsa.Active.Kid, rsa.Stored.Single(k => k.Kid == rsa.Active.Kid).PublicJwk, ec.Ecdsa, ec.Kid);
    }
}
