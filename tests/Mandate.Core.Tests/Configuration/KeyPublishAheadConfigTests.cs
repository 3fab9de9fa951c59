using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using static Mandate.Core.Tests.Configuration.ConfigTestData;

namespace Mandate.Core.Tests.Configuration;

/// <summary><c>keys.publish_ahead</c>: how long a new signing key is published before it signs, within <c>rotate_every</c>.</summary>
public sealed class KeyPublishAheadConfigTests
{
    [Theory]
    [InlineData("", 10)]
    [InlineData("\nkeys: { rotate_every: 12m }\n", 6)]
    [InlineData("\nkeys: { rotate_every: 7d, publish_ahead: 1h }\n", 60)]
    public void Parse_PublishAhead_DefaultsToTenMinutesOrHalfTheRotation(string keys, int minutes)
    {
        var options = Parse(Minimal + keys);

        Assert.Equal(TimeSpan.FromMinutes(minutes), options.Keys.PublishAheadOrDefault);
        Assert.All(
            [KeyProfiles.TokenSigning(options), KeyProfiles.FederationSigning(options), KeyProfiles.SpiffeJwt(options), KeyProfiles.AuditCheckpoint(options)],
            p => Assert.Equal(TimeSpan.FromMinutes(minutes), p.PublishAhead));
        Assert.Equal(TimeSpan.Zero, KeyProfiles.SpiffeCa(options).PublishAhead);
    }

    [Theory]
    [InlineData("keys: { rotate_every: 1h, publish_ahead: 1h }")]
    [InlineData("keys: { publish_ahead: 2d }")]
    public void Parse_PublishAheadNotShorterThanTheRotation_RefusedAtPublishAhead(string line)
    {
        var e = Assert.Throws<MandateConfigException>(() => Parse(Minimal + "\n" + line + "\n"));

        Assert.Contains(e.Problems, p => p.Path == "keys.publish_ahead" && p.Message.Contains("publish_ahead must be shorter than rotate_every", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_RotationBelowFiveMinutes_RefusedAtRotateEvery()
    {
        var e = Assert.Throws<MandateConfigException>(() => Parse(Minimal + "\nkeys:\n  rotate_every: 4m\n"));

        var problem = Assert.Single(e.Problems);
        AssertProblem(problem, "keys.rotate_every", 9, 17, "rotate_every must be at least 5m");
    }
}
