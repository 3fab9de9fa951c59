using Mandate.Server.Endpoints;
using Mandate.Server.Tests.Audit;
using Mandate.Server.Tests.Credentials;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Server.Tests.Cluster;

/// <summary>
/// Two nodes behind one federation issuer on one PostgreSQL: each signs ID tokens with its own key, and a cloud may fetch
/// the JWKS from either, so a node that already loaded its federation keys learns the other's new key from the change feed.
/// </summary>
public sealed class ClusterFederationJwksTests : ClusterTest
{
    private readonly string _adminFile = Path.Combine(Path.GetTempPath(), "mdt-fed-" + Guid.NewGuid().ToString("N")[..10]);
    protected override async Task<ClusterHarness> StartClusterAsync()
    {
        // The postgres tools of the catalogue are never asked for here; their admin connection points nowhere.
        await File.WriteAllTextAsync(_adminFile, "Host=127.0.0.1;Port=1;Username=nobody;Database=nowhere");
        var configuration = CredentialKindsBroker.Configuration(_adminFile, _adminFile, "mdt_", "127.0.0.1", 5432, "unused", "sales");
        return await ClusterHarness.StartAsync(nodes: 2, policy: CredentialKindsBroker.Policy, configuration: configuration);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(_adminFile);
    }

    [PostgresFact]
    public async Task FederationJwks_KeyMadeOnB_PublishedByAWhichLoadedItsKeysBefore_AndVerifiesBsToken()
    {
        var before = await AuditJwksTests.KeysAsync(Cluster.A, FederationEndpoints.JwksPath);

        var token = new JsonWebToken(await Cluster.B.IssueAsync(Request(Cluster.B)));

        Assert.DoesNotContain(token.Kid, before.Select(k => k.Kid));
        IList<JsonWebKey> published = [];
        await ClusterHarness.EventuallyAsync(
            async () => (published = await AuditJwksTests.KeysAsync(Cluster.A, FederationEndpoints.JwksPath)).Any(k => k.Kid == token.Kid),
            ClusterHarness.Propagation,
            "node-a does not publish the federation key node-b signed with");
        Assert.Subset(published.Select(k => k.Kid).ToHashSet(), before.Select(k => k.Kid).ToHashSet());
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token.EncodedToken, new TokenValidationParameters
        {
            ValidIssuer = Cluster.A.Options.Issuer + "/federation",
            ValidAudience = CredentialKindsBroker.AwsAudience,
            IssuerSigningKeys = published,
            ValidateLifetime = false,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    private static ExchangeRequest Request(BrokerHarness node) => new()
    {
        ActorToken = node.Svid(TestBroker.SupportAgent),
        SubjectToken = node.UserToken(),
        Resource = CredentialKindsBroker.Aws,
        Scope = "aws:assume",
    };
}
