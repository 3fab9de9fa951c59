using Mandate.SenderConstraint.Jose;

namespace Mandate.SenderConstraint.Tests.Jose;

/// <summary>The one definition of an acceptable identity value: what may become a principal, a credential claim or an audit field.</summary>
public sealed class IdentityTextTests
{
    [Theory]
    [InlineData("alice")]
    [InlineData("alice@acme.example")]
    [InlineData("spiffe://acme.example/agents/support")]
    [InlineData("system:serviceaccount:payments:refunder")]
    [InlineData("Zoë Müller")]
    [InlineData("山田")]
    [InlineData("user 42 (contractor)")]
    [InlineData("\U0001F600")]
    public void Allowed(string value) => Assert.True(IdentityText.IsAllowed(value));

    [Theory]
    [InlineData("alice\r\nadmin")]
    [InlineData("alice\n")]
    [InlineData("alice\r")]
    [InlineData("\talice")]
    [InlineData("al\u0000ice")]
    [InlineData("al\u001bice")] // ESC: terminal escape sequences
    [InlineData("al\u007fice")] // DEL
    [InlineData("al\u0085ice")] // C1 NEL
    [InlineData("al\u009bice")] // C1 CSI
    [InlineData("alice\u2028admin")] // line separator
    [InlineData("alice\u2029admin")] // paragraph separator
    [InlineData("alice\u202Enimda")] // right-to-left override
    [InlineData("alice\u2066x\u2069")] // isolates
    [InlineData("alice\u200Fx")] // right-to-left mark
    [InlineData("ali\u200Bce")] // zero-width space
    [InlineData("\uFEFFalice")] // BOM
    [InlineData("")]
    public void Refused(string value) => Assert.False(IdentityText.IsAllowed(value));

    [Fact]
    public void UnpairedSurrogate_IsRefused()
    {
        // Built in code: test-case data would replace a lone surrogate before the test sees it.
        Assert.False(IdentityText.IsAllowed("alice" + (char)0xD800));
        Assert.False(IdentityText.IsAllowed((char)0xDC00 + "alice"));
        Assert.True(IdentityText.IsAllowed("alice" + (char)0xD83D + (char)0xDE00));
    }

    [Fact]
    public void Null_IsRefused() => Assert.False(IdentityText.IsAllowed(null));

    [Fact]
    public void LongerThanTheLimit_IsRefused()
    {
        Assert.True(IdentityText.IsAllowed(new string('a', IdentityText.MaxLength)));
        Assert.False(IdentityText.IsAllowed(new string('a', IdentityText.MaxLength + 1)));
    }
}
