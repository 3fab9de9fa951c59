using Mandate.Core.Spiffe;

namespace Mandate.Core.Tests.Spiffe;

public sealed class SelectorTests
{
    private static readonly ProcessAttributes Curl = new(4242, 1000, 100, "/usr/bin/curl", new string('a', 64)) { UserName = "alice" };

    [Theory]
    [InlineData("unix:uid:1000")]
    [InlineData("unix:gid:100")]
    [InlineData("unix:user:alice")]
    [InlineData("unix:path:/usr/bin/curl")]
    [InlineData("unix:sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Matches_AttributeOfTheProcess_IsTrue(string text)
    {
        Assert.True(Selector.TryParse(text, out var selector, out var error), error);
        Assert.True(selector!.Matches(Curl));
    }

    [Theory]
    [InlineData("unix:uid:1001")]
    [InlineData("unix:uid:0")]
    [InlineData("unix:gid:0")]
    [InlineData("unix:user:root")]
    [InlineData("unix:path:/usr/bin/wget")]
    [InlineData("unix:path:/usr/bin/curl2")]
    [InlineData("unix:sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")]
    public void Matches_OtherValue_IsFalse(string text)
    {
        Assert.True(Selector.TryParse(text, out var selector, out _));
        Assert.False(selector!.Matches(Curl));
    }

    [Fact]
    public void Matches_UnknownPathOrHash_NeverMatches()
    {
        var unknown = Curl with { ExecutablePath = null, ExecutableSha256 = null, UserName = null };
        Assert.True(Selector.TryParse("unix:path:/usr/bin/curl", out var path, out _));
        Assert.True(Selector.TryParse("unix:user:alice", out var user, out _));

        Assert.False(path!.Matches(unknown));
        Assert.False(user!.Matches(unknown));
    }

    [Theory]
    [InlineData("")]
    [InlineData("uid:1000")]
    [InlineData("k8s:ns:default")]
    [InlineData("unix:uid:-1")]
    [InlineData("unix:uid:1e3")]
    [InlineData("unix:uid:")]
    [InlineData("unix:path:relative/curl")]
    [InlineData("unix:sha256:abc")]
    [InlineData("unix:sha256:zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")]
    [InlineData("unix:user:a b")]
    [InlineData("unix:pid:1")]
    public void TryParse_NotASelector_GivesAReasonNamingTheForms(string text)
    {
        Assert.False(Selector.TryParse(text, out var selector, out var error));
        Assert.Null(selector);
        Assert.Contains("unix:uid:<n>", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_Sha256_IsCanonicalisedToLowerCase()
    {
        Assert.True(Selector.TryParse("unix:sha256:" + new string('A', 64), out var selector, out _));

        Assert.Equal("unix:sha256:" + new string('a', 64), selector!.ToString());
    }
}
