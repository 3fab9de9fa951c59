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

    [Theory]
    [InlineData("unix:path:/usr/bin/cu\nrl", "U+000A at position 12")]
    [InlineData("unix:path:/usr/bin/\u001b[31mcurl", "U+001B at position 10")]
    [InlineData("unix:path:/usr/bin/curl\u0085", "U+0085 at position 14")]
    [InlineData("unix:path:/usr/bin/\0curl", "U+0000 at position 10")]
    public void TryParse_PathWithAControlCharacter_IsRefusedNamingItWithoutEchoingIt(string text, string named)
    {
        Assert.False(Selector.TryParse(text, out var selector, out var error));

        Assert.Null(selector);
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.DoesNotContain(error!, char.IsControl);
    }

    [Theory]
    [InlineData("unix:path:/usr/bin/")]
    [InlineData("unix:path:/usr//bin/curl")]
    [InlineData("unix:path:/usr/./bin/curl")]
    [InlineData("unix:path:/usr/lib/../bin/curl")]
    [InlineData("unix:path:/usr/bin/..")]
    public void TryParse_PathNotInResolvedForm_IsRefusedAsNeverMatching(string text)
    {
        Assert.False(Selector.TryParse(text, out var selector, out var error));

        Assert.Null(selector);
        Assert.Contains("could never match", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unix:path:/")]
    [InlineData("unix:path:/opt/my tool/bin/run")]
    [InlineData("unix:path:/opt/caf\u00e9/run")]
    [InlineData("unix:path:/opt/x..y/.run")]
    public void TryParse_ResolvedPath_IsKeptAsWritten(string text)
    {
        Assert.True(Selector.TryParse(text, out var selector, out var error), error);

        Assert.Equal(text, selector!.ToString());
    }
}
