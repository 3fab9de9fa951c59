using System.Text;
using Mandate.Core.Protocol;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Tests.Protocol;

/// <summary>The one reader every presented token goes through first: it answers "not a token" instead of throwing.</summary>
public sealed class CompactJwtTests
{
    private const string Header = """{"alg":"ES256","typ":"JWT"}""";

    private static string Token(byte[] header, byte[] payload) =>
        Base64UrlEncoder.Encode(header) + "." + Base64UrlEncoder.Encode(payload) + ".c2ln";

    [Fact]
    public void TryRead_WellFormedToken_Reads()
    {
        Assert.True(CompactJwt.TryRead(Token(Encoding.UTF8.GetBytes(Header), """{"sub":"alice","k":{"ns":"a"}}"""u8.ToArray()), out var jwt));
        Assert.Equal("alice", jwt.Subject);
    }

    [Theory]
    [InlineData("payload")]
    [InlineData("header")]
    public void Invariant7_SegmentNotUtf8_IsNotAToken(string segment)
    {
        // RFC 7515 §5.2: header and payload are UTF-8 JSON. 0xFE never occurs in UTF-8; inside a nested claim it made
        // the Kubernetes profile throw while mapping claims (found by the fuzz harness).
        var broken = Encoding.Latin1.GetBytes("{\"sub\":\"alice\",\"k\":{\"ns\":\"a\u00FE\"},\"typ\":\"JWT\",\"alg\":\"ES256\"}");
        var token = segment == "payload"
            ? Token(Encoding.UTF8.GetBytes(Header), broken)
            : Token(broken, """{"sub":"alice"}"""u8.ToArray());

        Assert.False(CompactJwt.TryRead(token, out var jwt));
        Assert.Null(jwt);
    }
}
