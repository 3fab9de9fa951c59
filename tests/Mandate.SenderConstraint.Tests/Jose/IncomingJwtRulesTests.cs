using System.Text;
using System.Text.Json;
using Mandate.SenderConstraint.Jose;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.SenderConstraint.Tests.Jose;

/// <summary>
/// The rules every incoming JWT meets, written from RFC 7515 §4 and §4.1.11 (crit), RFC 7519 §2 and §4.1
/// (NumericDate and string claims) and RFC 8725 §3.10 practice (iat); header and claims are raw JSON so a
/// test controls every byte, including duplicate names.
/// </summary>
public sealed class IncomingJwtRulesTests
{
    private const string Header = """{"alg":"ES256","typ":"JWT","kid":"k1"}""";
    private const string Claims = """{"iss":"https://idp.example","sub":"alice","aud":"https://mandate.example","iat":1767225600,"exp":1767225900,"jti":"j1"}""";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1767225600);

    private static JwtRuleViolation? Check(string header, string claims = Claims, IncomingJwtExpectations? expectations = null) =>
        IncomingJwtRules.Check(Segment(header), Segment(claims), expectations);

    private static string Segment(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));

    private static void AssertRefused(JwtRuleViolation? violation, string check, string fragment)
    {
        Assert.NotNull(violation);
        Assert.Equal(check, violation.Check);
        Assert.Contains(fragment, violation.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void WellFormedToken_MeetsEveryRule() => Assert.Null(Check(Header));

    [Fact]
    public void Invariant7_CritHeaderUnknown_Refused()
    {
        // RFC 7515 §4.1.11: an extension listed in crit that the recipient does not understand MUST make the JWS invalid.
        AssertRefused(Check("""{"alg":"ES256","crit":["exp-ext"],"exp-ext":1}"""), JwtRuleChecks.CriticalUnsupported, "RFC 7515 section 4.1.11");
    }

    [Fact]
    public void Invariant7_CritB64_RefusedBecauseNoExtensionIsUnderstood()
    {
        // RFC 7797's b64 is a real extension that changes what is signed; Mandate does not process it.
        AssertRefused(Check("""{"alg":"ES256","b64":false,"crit":["b64"]}"""), JwtRuleChecks.CriticalUnsupported, "does not understand");
    }

    [Theory]
    [InlineData("""{"alg":"ES256","crit":[]}""", "empty 'crit'")]
    [InlineData("""{"alg":"ES256","crit":"ext","ext":1}""", "not an array")]
    [InlineData("""{"alg":"ES256","crit":{"ext":true},"ext":1}""", "not an array")]
    [InlineData("""{"alg":"ES256","crit":null}""", "not an array")]
    [InlineData("""{"alg":"ES256","crit":[7]}""", "not a string")]
    [InlineData("""{"alg":"ES256","crit":[null]}""", "not a string")]
    [InlineData("""{"alg":"ES256","crit":["ext","ext"],"ext":1}""", "twice")]
    [InlineData("""{"alg":"ES256","crit":["alg"]}""", "registered header parameter")]
    [InlineData("""{"alg":"ES256","kid":"k","crit":["kid"]}""", "registered header parameter")]
    [InlineData("""{"alg":"ES256","typ":"JWT","crit":["typ"]}""", "registered header parameter")]
    [InlineData("""{"alg":"ES256","crit":["crit"]}""", "registered header parameter")]
    [InlineData("""{"alg":"ES256","crit":["x5t#S256"]}""", "registered header parameter")]
    [InlineData("""{"alg":"ES256","crit":["ext"]}""", "does not carry")]
    public void Invariant7_CritHeaderMalformed_Refused(string header, string fragment)
    {
        AssertRefused(Check(header), JwtRuleChecks.CriticalMalformed, fragment);
    }

    [Theory]
    [InlineData("JWT")]
    [InlineData("jwt")]
    [InlineData("application/jwt")]
    public void Invariant7_NestedJwtContentType_RefusedBecauseThePayloadIsNotAClaimsSet(string cty)
    {
        // RFC 7519 §7.2 step 8: with cty JWT the payload is itself a JWT, which a claims set is not: the JWT is rejected.
        AssertRefused(Check($$"""{"alg":"ES256","cty":"{{cty}}"}"""), JwtRuleChecks.NestedJwt, "RFC 7519 section 7.2");
    }

    [Fact]
    public void ContentTypeOtherThanJwt_MeetsEveryRule() => Assert.Null(Check("""{"alg":"ES256","cty":"json"}"""));

    [Fact]
    public void CriticalHeader_UnderstandsNoExtensionToday() => Assert.Empty(CriticalHeader.Understood);

    [Theory]
    [InlineData("""{"alg":"ES256","alg":"none"}""")]
    [InlineData("""{"alg":"ES256","crit":["ext"],"ext":1,"crit":["ext"]}""")]
    public void Invariant7_DuplicateHeaderParameter_Refused(string header)
    {
        // RFC 7515 §4: header parameter names MUST be unique; refusing beats guessing which one another parser keeps.
        AssertRefused(Check(header), JwtRuleChecks.Malformed, "unique member names");
    }

    [Theory]
    [InlineData("""{"iss":"https://idp.example","sub":"alice","sub":"admin","exp":1767225900}""")]
    [InlineData("""{"sub":"alice","exp":1767225900,"cnf":{"jkt":"a","jkt":"b"}}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""{"sub":"alice" """)]
    [InlineData("""{"sub":"alice","exp":1767225900,"u\ud800id":1}""")]
    [InlineData("""{"sub":"alice","exp":1767225900,"x":{"\udc00":1,"b":2}}""")]
    public void Invariant7_ClaimsSetNotAnObjectWithUniqueNames_Refused(string claims)
    {
        // RFC 7519 §4: claim names MUST be unique within a JWT Claims Set.
        AssertRefused(Check(Header, claims), JwtRuleChecks.Malformed, "JSON object");
    }

    [Theory]
    [InlineData("""{"sub":"ag\ud800ents","exp":1767225900}""")]
    [InlineData("""{"sub":"alice","exp":1767225900,"k":{"ns":"x\udc00"}}""")]
    [InlineData("""{"sub":"alice","exp":1767225900,"k":["\uD83D\u0041"]}""")]
    [InlineData("""{"sub":"alice","exp":1767225900,"k":"\ud83d"}""")]
    [InlineData("""{"sub":"alice","exp":1767225900,"k":"\\\ud800"}""")]
    public void Invariant7_StringEscapingALoneSurrogate_Refused(string claims)
    {
        // RFC 7493 §2.1 (I-JSON): strings MUST NOT include lone surrogates; RFC 8259 §8.2 leaves their meaning open.
        AssertRefused(Check(Header, claims), JwtRuleChecks.Malformed, "lone surrogate");
    }

    [Theory]
    [InlineData("""{"sub":"alice","exp":1767225900,"k":"\ud83d\ude00"}""")]
    [InlineData("""{"sub":"alice","exp":1767225900,"k":"\uD83D\uDE00 and \u00e9"}""")]
    [InlineData("""{"sub":"alice","exp":1767225900,"k":"\\ud800 is text, not an escape"}""")]
    public void StringWithPairedSurrogatesOrAnEscapedBackslash_MeetsTheRule(string claims) =>
        Assert.Null(Check(Header, claims));

    [Theory]
    [InlineData("exp", "\"1767225900\"")]
    [InlineData("nbf", "\"1767225600\"")]
    [InlineData("iat", "\"1767225600\"")]
    [InlineData("exp", "true")]
    [InlineData("exp", "null")]
    [InlineData("exp", "[1767225900]")]
    [InlineData("iat", "{\"s\":1}")]
    [InlineData("exp", "1e400")]
    public void Invariant7_NumericDateNotAJsonNumber_Refused(string claim, string json)
    {
        // RFC 7519 §2: a NumericDate is a JSON numeric value; a string that looks like one is not converted.
        AssertRefused(Check(Header, $$"""{"sub":"alice","{{claim}}":{{json}}}"""), JwtRuleChecks.ClaimType, $"'{claim}' claim that is not a JSON number");
    }

    [Theory]
    [InlineData("sub", "42")]
    [InlineData("sub", "true")]
    [InlineData("sub", "[\"alice\"]")]
    [InlineData("sub", "{\"id\":\"alice\"}")]
    [InlineData("sub", "null")]
    [InlineData("jti", "7")]
    [InlineData("iss", "1")]
    public void Invariant7_RegisteredStringClaimNotAJsonString_Refused(string claim, string json)
    {
        AssertRefused(Check(Header, $$"""{"{{claim}}":{{json}},"exp":1767225900}"""), JwtRuleChecks.ClaimType, $"'{claim}' claim that is not a JSON string");
    }

    [Theory]
    [InlineData("42")]
    [InlineData("true")]
    [InlineData("{\"id\":\"acme\"}")]
    public void Invariant7_ConfiguredIdentityClaimNotAJsonString_Refused(string json)
    {
        var expectations = new IncomingJwtExpectations { IdentityClaims = ["tenant"] };

        AssertRefused(Check(Header, $$"""{"sub":"alice","tenant":{{json}}}""", expectations), JwtRuleChecks.ClaimType, "'tenant' claim that is not a JSON string");
    }

    [Fact]
    public void IdentityClaimNotListed_MayBeAnyType() =>
        Assert.Null(Check(Header, """{"sub":"alice","tenant":42,"groups":["a"]}"""));

    [Theory]
    [InlineData("7")]
    [InlineData("[]")]
    [InlineData("[\"a\",1]")]
    [InlineData("{\"a\":1}")]
    public void Invariant7_AudienceNotStringOrStrings_Refused(string json)
    {
        AssertRefused(Check(Header, $$"""{"sub":"alice","aud":{{json}}}"""), JwtRuleChecks.ClaimType, "'aud'");
    }

    [Theory]
    [InlineData("alg", """{"alg":7}""")]
    [InlineData("typ", """{"alg":"ES256","typ":["JWT"]}""")]
    [InlineData("kid", """{"alg":"ES256","kid":1}""")]
    [InlineData("cty", """{"alg":"ES256","cty":{}}""")]
    public void Invariant7_HeaderParameterNotAJsonString_Refused(string name, string header)
    {
        AssertRefused(Check(header), JwtRuleChecks.ClaimType, $"'{name}' header parameter");
    }

    [Theory]
    [InlineData("sub")]
    [InlineData("jti")]
    [InlineData("tenant")]
    public void Invariant5_IdentityClaimWithLineBreak_Refused(string claim)
    {
        // A CR/LF copied into a credential or an audit line would let the token holder forge what an operator reads.
        var expectations = new IncomingJwtExpectations { IdentityClaims = ["tenant"] };
        var claims = new Dictionary<string, object> { ["sub"] = "alice", ["jti"] = "j1", ["tenant"] = "acme", ["exp"] = 1767225900 };
        claims[claim] = "alice\r\nadmin";

        AssertRefused(Check(Header, JsonSerializer.Serialize(claims), expectations), JwtRuleChecks.IdentityText, $"'{claim}' claim Mandate does not accept");
    }

    [Fact]
    public void Invariant5_KidWithControlCharacter_Refused() =>
        AssertRefused(Check("""{"alg":"ES256","kid":"k1\u0000"}"""), JwtRuleChecks.IdentityText, "'kid'");

    [Fact]
    public void Invariant7_IssuedInTheFutureBeyondSkew_Refused()
    {
        var expectations = new IncomingJwtExpectations { Now = Now, ClockSkew = TimeSpan.FromSeconds(30) };

        AssertRefused(Check(Header, """{"sub":"alice","iat":1767225631,"exp":1767226000}""", expectations), JwtRuleChecks.IssuedInFuture, "issued in the future");
    }

    [Theory]
    [InlineData(1767225630)]
    [InlineData(1767225600)]
    [InlineData(1767225000)]
    public void IssuedWithinSkewOrInThePast_IsAccepted(long iat)
    {
        var expectations = new IncomingJwtExpectations { Now = Now, ClockSkew = TimeSpan.FromSeconds(30) };

        Assert.Null(Check(Header, $$"""{"sub":"alice","iat":{{iat}},"exp":1767226000}""", expectations));
    }

    [Fact]
    public void RefusalNeverQuotesTheToken()
    {
        var violation = Check("""{"alg":"ES256","crit":["secret-extension-name"],"secret-extension-name":1}""", """{"sub":"secret-subject\n"}""");

        Assert.NotNull(violation);
        Assert.DoesNotContain("secret", violation.Problem, StringComparison.Ordinal);
    }
}
