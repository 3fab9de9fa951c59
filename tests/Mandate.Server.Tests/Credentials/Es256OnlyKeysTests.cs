using Mandate.Core.Keys;
using Mandate.Server.Tests.Harness;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Server.Tests.Credentials;

/// <summary>Without a tool that asks for RS256 the broker makes no RSA key: its JWKS and metadata are as they always were.</summary>
public sealed class Es256OnlyKeysTests : BrokerTest
{
    [Fact]
    public async Task Start_NoRs256Tool_MakesNoRsaKeyAndPublishesOnlyEcKeys()
    {
        var jwks = new JsonWebKeySet(await Broker.Http.GetStringAsync(".well-known/jwks.json"));

        Assert.Null(Broker.Runtime.RsaKeys);
        Assert.All(jwks.Keys, k => Assert.Equal(("EC", "ES256"), (k.Kty, k.Alg)));
        Assert.Empty(await Broker.Runtime.Store.ListKeysAsync(KeyPurposes.TokenSigningRs256, CancellationToken.None));
    }
}
