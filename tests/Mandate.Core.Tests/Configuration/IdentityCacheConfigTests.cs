using Mandate.Core.Configuration;
using static Mandate.Core.Tests.Configuration.ConfigTestData;

namespace Mandate.Core.Tests.Configuration;

/// <summary><c>identity_cache:</c> on by default, sized and aged by the operator, off with <c>max_entries: 0</c>.</summary>
public sealed class IdentityCacheConfigTests
{
    [Fact]
    public void Parse_NoIdentityCacheSection_OnWithDefaults()
    {
        var cache = Parse(Minimal).IdentityCache;

        Assert.Equal((10_000, TimeSpan.FromMinutes(5), true), (cache.MaxEntries, cache.MaxAge, cache.Enabled));
    }

    [Fact]
    public void Parse_IdentityCacheSection_ReadsEntriesAndAge()
    {
        var cache = Parse(Minimal + "\nidentity_cache: { max_entries: 500, max_age: 90s }\n").IdentityCache;

        Assert.Equal((500, TimeSpan.FromSeconds(90)), (cache.MaxEntries, cache.MaxAge));
    }

    [Fact]
    public void Parse_MaxEntriesZero_Disabled()
    {
        Assert.False(Parse(Minimal + "\nidentity_cache: { max_entries: 0 }\n").IdentityCache.Enabled);
    }

    [Theory]
    [InlineData("identity_cache: { max_entries: -1 }", "identity_cache.max_entries")]
    [InlineData("identity_cache: { max_age: soon }", "identity_cache.max_age")]
    [InlineData("identity_cache: { max_entires: 10 }", "identity_cache.max_entires")]
    public void Parse_BadIdentityCacheSetting_ReportsTheKey(string line, string key)
    {
        var e = Assert.Throws<MandateConfigException>(() => Parse(Minimal + "\n" + line + "\n"));

        Assert.Contains(e.Problems, p => p.Path == key);
    }
}
