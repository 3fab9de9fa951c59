using System.Text;

namespace Mandate.SenderConstraint.Tests;

/// <summary>RFC 6749 §5.2 / RFC 6750 §3: the one sanitiser every error and challenge writer uses.</summary>
public sealed class OAuthErrorTextTests
{
    [Theory]
    [InlineData("RFC 8693 §2.1", "RFC 8693 section 2.1")]
    [InlineData("wait… then retry", "wait... then retry")]
    [InlineData("a — b", "a - b")]
    [InlineData("name \"x\"", "name 'x'")]
    [InlineData("a\\b", "a/b")]
    [InlineData("line\r\nbreak", "line  break")]
    [InlineData("été", "?t?")]
    public void Sanitize_TextOutsideTheSet_BecomesItsAsciiSpelling(string text, string expected)
    {
        Assert.Equal(expected, OAuthErrorText.Sanitize(text));
    }

    [Fact]
    public void Sanitize_TextInsideTheSet_IsUnchanged()
    {
        const string Text = "scope must be space-separated tokens of printable ASCII (RFC 6749 section 3.3); e.g. refunds:read";

        Assert.Same(Text, OAuthErrorText.Sanitize(Text));
    }

    [Fact]
    public void Sanitize_AnyText_IsWithinTheSetBoundedAndStable()
    {
        // A seeded property: every UTF-16 string, including lone surrogates and controls, comes out allowed.
        var random = new Random(6749);
        for (var i = 0; i < 5_000; i++)
        {
            var text = new StringBuilder();
            var length = random.Next(0, i % 50 == 0 ? 3_000 : 80);
            for (var j = 0; j < length; j++)
            {
                text.Append((char)(random.Next(4) == 0 ? random.Next(0, 0x10000) : random.Next(0, 0x80)));
            }

            var sanitized = OAuthErrorText.Sanitize(text.ToString());

            Assert.True(OAuthErrorText.IsAllowed(sanitized), $"#{i}: {sanitized}");
            Assert.True(sanitized.Length <= OAuthErrorText.MaxLength, $"#{i}: {sanitized.Length} characters");
            Assert.Equal(sanitized, OAuthErrorText.Sanitize(sanitized));
        }
    }
}
