using Mandate.Core.Spiffe;

namespace Mandate.Core.Tests.Spiffe;

public sealed class EntryMatcherTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ProcessAttributes Process = new(10, 1000, 100, "/usr/bin/curl", new string('a', 64));

    private static RegistrationEntry Entry(string id, string spiffeId, DateTimeOffset created, params string[] selectors) =>
        new() { Id = id, SpiffeId = spiffeId, Selectors = selectors, CreatedAt = created };

    [Fact]
    public void Match_AllSelectorsMatch_ReturnsTheEntry()
    {
        var entry = Entry("e1", "spiffe://acme.example/a", T0, "unix:uid:1000", "unix:path:/usr/bin/curl");

        Assert.Same(entry, EntryMatcher.Match([entry], Process));
    }

    [Fact]
    public void Match_OneSelectorDiffers_ReturnsNull()
    {
        var entry = Entry("e1", "spiffe://acme.example/a", T0, "unix:uid:1000", "unix:path:/usr/bin/wget");

        Assert.Null(EntryMatcher.Match([entry], Process));
    }

    [Fact]
    public void Match_EntryWithoutSelectors_NeverMatches() =>
        Assert.Null(EntryMatcher.Match([Entry("e1", "spiffe://acme.example/a", T0)], Process));

    [Fact]
    public void Match_SeveralMatch_TheOldestWins()
    {
        var newer = Entry("a-newer", "spiffe://acme.example/newer", T0.AddMinutes(1), "unix:uid:1000");
        var older = Entry("z-older", "spiffe://acme.example/older", T0, "unix:gid:100");

        Assert.Same(older, EntryMatcher.Match([newer, older], Process));
    }
}
