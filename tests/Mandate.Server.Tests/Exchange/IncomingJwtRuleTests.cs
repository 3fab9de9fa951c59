using System.Buffers.Text;
using System.Text.Json.Nodes;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Exchange;

/// <summary>
/// The rules every incoming JWT meets, end to end at the token endpoint: a token that breaks one gets the
/// answer the endpoint gives any invalid subject or actor token (invalid_request, RFC 8693 §2.2.2), or
/// invalid_dpop_proof for a proof (RFC 9449 §7.1), and nothing is issued or recorded as issued.
/// </summary>
public sealed class IncomingJwtRuleTests : BrokerTest, IDisposable
{
    private readonly DpopProofs _dpop = new();

    public void Dispose() => _dpop.Dispose();

    [Fact]
    public async Task Invariant7_CritHeaderUnknown_RefusedInvalidRequest()
    {
        // RFC 7515 §4.1.11: an extension the recipient does not understand in crit makes the JWS invalid.
        var actor = Broker.WorkloadKey.Sign(Broker.WorkloadClaims(SupportAgent), new Dictionary<string, object> { ["crit"] = new List<string> { "ext" }, ["ext"] = true });

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { ActorToken = actor });

        Expect.Refused(reply, "invalid_request", "actor_token marks as critical ('crit' header) an extension Mandate does not understand");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant7_CritHeaderEmpty_SubjectTokenRefusedInvalidRequest()
    {
        var subject = Broker.UserKey.Sign(Broker.UserClaims(), new Dictionary<string, object> { ["crit"] = new List<string>() });

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { SubjectToken = subject });

        Expect.Refused(reply, "invalid_request", "subject_token has an empty 'crit' array");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant7_NestedJwtContentType_SubjectTokenRefusedInvalidRequest()
    {
        // RFC 7519 §7.2 step 8: cty JWT says the payload is a nested JWT; a claims set under it is not read as claims.
        var subject = Broker.UserKey.Sign(Broker.UserClaims(), new Dictionary<string, object> { ["cty"] = "JWT" });

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { SubjectToken = subject });

        Expect.Refused(reply, "invalid_request", "subject_token has cty 'JWT'");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant7_CritHeaderOnRunToken_RefusedInvalidRequest()
    {
        // Signed with the broker's own key, so only the crit rule can refuse it.
        var runToken = await Broker.StartRunAsync();
        var critical = ResignWithHeader(runToken, h =>
        {
            h["crit"] = new JsonArray("ext");
            h["ext"] = true;
        });
        var issuedBefore = (await Broker.AuditEventsAsync(Mandate.Core.Audit.AuditKinds.Issuance)).Count;

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(critical));

        Expect.Refused(reply, "invalid_request", "subject_token marks as critical ('crit' header)");
        Assert.Equal(issuedBefore, (await Broker.AuditEventsAsync(Mandate.Core.Audit.AuditKinds.Issuance)).Count);
    }

    [Fact]
    public async Task Invariant7_CritHeaderOnDpopProof_RefusedInvalidDpopProof()
    {
        var tokenUrl = Broker.Options.Issuer.TrimEnd('/') + "/oauth2/token";
        var proof = _dpop.Create("POST", tokenUrl, Broker.Now, extraHeader: new Dictionary<string, object> { ["crit"] = new List<string> { "ext" }, ["ext"] = 1 });

        var reply = await Mandate.Server.Tests.SenderConstraint.DpopRequests.ExchangeAsync(Broker, Broker.RefundRequest(), proof);

        Expect.Refused(reply, "invalid_dpop_proof", "the DPoP proof marks as critical ('crit' header)");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant7_AudienceWithTrailingSlash_RefusedInvalidRequest()
    {
        // RFC 7519 §4.1.3: aud compares as an exact string; Mandate's issuer plus "/" is another audience.
        var claims = Broker.UserClaims();
        claims["aud"] = Broker.Options.Issuer + "/";

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { SubjectToken = Broker.UserKey.Sign(claims) });

        Expect.Refused(reply, "invalid_request", "subject_token is not addressed to Mandate");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant7_IssuerWithTrailingSlash_RefusedInvalidRequest()
    {
        var claims = Broker.WorkloadClaims(SupportAgent);
        claims["iss"] = WorkloadIssuer + "/";

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { ActorToken = Broker.WorkloadKey.Sign(claims) });

        Expect.Refused(reply, "invalid_request", "actor_token comes from an issuer that is not trusted");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant7_ExpAsString_RefusedInvalidRequest()
    {
        // RFC 7519 §2: NumericDate is a JSON number; a string is refused, never parsed.
        var claims = Broker.WorkloadClaims(SupportAgent);
        claims["exp"] = claims["exp"].ToString()!;

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { ActorToken = Broker.WorkloadKey.Sign(claims) });

        Expect.Refused(reply, "invalid_request", "actor_token has an 'exp' claim that is not a JSON number");
        await Broker.AssertNothingIssuedAsync();
    }

    [Theory]
    [InlineData("exp", 1e20)]
    [InlineData("exp", 17672256000000d)]
    [InlineData("nbf", -1d)]
    [InlineData("iat", 1e300)]
    public async Task Invariant7_NumericDateNoDateHolds_RefusedNamingTheClaim(string claim, double seconds)
    {
        // 1e20 is JSON that no date holds (IdentityModel cannot read it); milliseconds written as seconds would
        // make a token that never expires. Each is refused as the claim it is, not as "not a JWT".
        var claims = Broker.UserClaims();
        claims[claim] = seconds;

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { SubjectToken = Broker.UserKey.Sign(claims) });

        Expect.Refused(reply, "invalid_request", $"subject_token has an '{claim}' claim outside 0 to 253402300799 seconds", "milliseconds");
        await Broker.AssertNothingIssuedAsync();
    }

    [Theory]
    [InlineData("sub")]
    [InlineData("tenant")]
    public async Task Invariant7_NumericUserIdentityClaim_RefusedInvalidRequest(string claim)
    {
        // A numeric sub or tenant would otherwise become the principal "42".
        var claims = Broker.UserClaims();
        claims[claim] = 42;

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { SubjectToken = Broker.UserKey.Sign(claims) });

        Expect.Refused(reply, "invalid_request", $"subject_token has a '{claim}' claim that is not a JSON string");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant7_IatInTheFutureBeyondSkew_RefusedInvalidRequest()
    {
        var claims = Broker.WorkloadClaims(SupportAgent);
        claims["iat"] = (Broker.Now + TimeSpan.FromMinutes(2)).ToUnixTimeSeconds();

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { ActorToken = Broker.WorkloadKey.Sign(claims) });

        Expect.Refused(reply, "invalid_request", "actor_token was issued in the future", "check the issuer's clock");
        await Broker.AssertNothingIssuedAsync();
    }

    [Theory]
    [InlineData("alice\r\nadmin")]
    [InlineData("alice\u2028admin")]
    [InlineData("alice\u202Enimda")]
    public async Task Invariant5_UserSubWithControlCharacters_RefusedAndNeverReachesTheAudit(string sub)
    {
        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { SubjectToken = Broker.UserKey.Sign(Broker.UserClaims(user: sub)) });

        Expect.Refused(reply, "invalid_request", "subject_token has a 'sub' claim Mandate does not accept as an identity value");
        Assert.DoesNotContain("admin", reply.Body, StringComparison.Ordinal);
        await Broker.AssertNothingIssuedAsync();
        Assert.DoesNotContain("nimda", await Broker.AuditTableTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("alice\r", await Broker.AuditTableTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invariant5_PrintableNonAsciiUser_IsIssuedAndAttributed()
    {
        // The control: the allowed set is not ASCII-only.
        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { SubjectToken = Broker.UserKey.Sign(Broker.UserClaims(user: "zoë")) });

        Expect.Issued(reply);
    }

    [Theory]
    [InlineData("\"ext\":{\"u\\ud800id\":1}")]
    [InlineData("\"ext\":{\"namespace\":\"ag\\ud800ents\"}")]
    [InlineData("\"name\":\"\\udc00\"")]
    public async Task Invariant7_ClaimsEscapingALoneSurrogate_RefusedInvalidRequestNot500(string claim)
    {
        // RFC 7493 §2.1: no lone surrogates. A member name holding one (nested, where IdentityModel does not look)
        // broke the duplicate-name check with a 500 before the signature was checked. Signed by the trusted user issuer.
        var valid = Broker.UserKey.Sign(Broker.UserClaims()).Split('.');
        var claims = System.Text.Encoding.UTF8.GetString(Base64Url.DecodeFromChars(valid[1]));
        var payload = Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(claims[..^1] + "," + claim + "}"));
        var signingInput = valid[0] + "." + payload;
        var signature = RawJwt.Es256(Broker.UserKey.Key)(System.Text.Encoding.ASCII.GetBytes(signingInput));
        var subject = signingInput + "." + Base64Url.EncodeToString(signature);

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { SubjectToken = subject });

        Expect.Refused(reply, "invalid_request", "subject_token");
        await Broker.AssertNothingIssuedAsync();
    }

    /// <summary>The token with <paramref name="edit"/> applied to its JOSE header, re-signed with the broker's active key.</summary>
    private string ResignWithHeader(string token, Action<JsonObject> edit)
    {
        var parts = token.Split('.');
        var header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!.AsObject();
        edit(header);
        var payload = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!.AsObject();
        return RawJwt.Encode(
            header.ToDictionary(p => p.Key, p => (object)p.Value!),
            payload.ToDictionary(p => p.Key, p => (object)p.Value!),
            RawJwt.Es256(Broker.Runtime.Keys.Current.Active.Ecdsa));
    }
}
