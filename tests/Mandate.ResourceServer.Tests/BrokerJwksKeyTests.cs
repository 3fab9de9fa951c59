using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mandate.Examples.Tools;
using Mandate.ResourceServer.Tests.Harness;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.ResourceServer.Tests;

/// <summary>
/// Which keys of the broker's JWKS a tool trusts. RFC 7518 §3.3: RS256 MUST use an RSA key of 2048 bits or more, so a
/// shorter key is never trusted, even when the tool accepts RS256. RFC 7517 §4.2/§4.3: a key published for another use
/// (<c>use</c> other than <c>sig</c>, <c>key_ops</c> without <c>verify</c>) verifies nothing. Tools accept RS256 by default. Credentials are signed by
/// hand because IdentityModel will not sign with a short key.
/// </summary>
public sealed class BrokerJwksKeyTests : ToolTest
{
    [Fact]
    public async Task Credential_SignedByAnRsaKeyUnder2048BitsInTheJwks_IsRefused()
    {
        using var rsa = RSA.Create(1024);
        var tool = await ToolTrusting(rsa);

        var reply = await tool.PostAsync("/refunds", await SignedBy(rsa), RefundBody);

        CredentialValidationTests.AssertInvalidToken(reply, "signing key (kid)");
    }

    [Fact]
    public async Task Credential_SignedByA2048BitRsaKeyInTheJwks_IsAccepted()
    {
        using var rsa = RSA.Create(2048);
        var tool = await ToolTrusting(rsa);

        var reply = await tool.PostAsync("/refunds", await SignedBy(rsa), RefundBody);

        Assert.True(reply.Status == 201, reply.Description);
    }

    [Theory]
    [InlineData("""{"use":"enc"}""")]
    [InlineData("""{"key_ops":["encrypt"]}""")]
    [InlineData("""{"use":"sig","key_ops":["sign"]}""")]
    public async Task Rfc7517_CredentialSignedByAJwksKeyPublishedForAnotherUse_IsRefused(string members)
    {
        using var rsa = RSA.Create(2048);
        var tool = await ToolTrusting(rsa, JsonNode.Parse(members)!.AsObject());

        var reply = await tool.PostAsync("/refunds", await SignedBy(rsa), RefundBody);

        CredentialValidationTests.AssertInvalidToken(reply, "signing key (kid)");
    }

    [Fact]
    public async Task Rfc7517_CredentialSignedByAJwksKeyForVerifying_IsAccepted()
    {
        using var rsa = RSA.Create(2048);
        var tool = await ToolTrusting(rsa, new JsonObject { ["use"] = "sig", ["key_ops"] = new JsonArray("verify") });

        var reply = await tool.PostAsync("/refunds", await SignedBy(rsa), RefundBody);

        Assert.True(reply.Status == 201, reply.Description);
    }

    private Task<ToolClient> ToolTrusting(RSA rsa, JsonObject? members = null) => Harness.StartToolAsync(ToolKind.Refunds, o =>
    {
        o.Backchannel = new HttpClient(new ExtraJwkHandler(rsa, members ?? []));
    });

    private async Task<string> SignedBy(RSA rsa)
    {
        var claims = ForgedTokens.Claims(await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write"));
        var header = new Dictionary<string, object> { ["alg"] = "RS256", ["typ"] = "at+jwt", ["kid"] = ExtraJwkHandler.Kid };
        var input = Segment(header) + "." + Segment(claims);
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + Base64UrlEncoder.Encode(signature);
    }

    private static string Segment(object value) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(value));

    /// <summary>Serves the broker's JWKS with one more RSA key in it, with the given members besides its own.</summary>
    private sealed class ExtraJwkHandler(RSA rsa, JsonObject members) : DelegatingHandler(new SocketsHttpHandler())
    {
        public const string Kid = "extra-rsa";

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.RequestUri?.AbsolutePath != "/.well-known/jwks.json")
            {
                return response;
            }

            var jwks = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
            var key = rsa.ExportParameters(includePrivateParameters: false);
            var jwk = new JsonObject
            {
                ["kty"] = "RSA",
                ["kid"] = Kid,
                ["n"] = Base64UrlEncoder.Encode(key.Modulus),
                ["e"] = Base64UrlEncoder.Encode(key.Exponent),
            };
            foreach (var (name, value) in members)
            {
                jwk[name] = value?.DeepClone();
            }

            jwks["keys"]!.AsArray().Add(jwk);
            response.Content = new StringContent(jwks.ToJsonString(), Encoding.UTF8, "application/json");
            return response;
        }
    }
}
