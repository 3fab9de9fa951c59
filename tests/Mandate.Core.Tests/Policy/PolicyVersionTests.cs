using System.Security.Cryptography;
using System.Text;
using Mandate.Core.Policy;
using Mandate.Policy;
using static Mandate.Policy.Tests.PolicyTestData;

namespace Mandate.Core.Tests.Policy;

public sealed class PolicyVersionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mandate-policy-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Parse_Text_VersionIsSha256OfExactBytes()
    {
        var yaml = Rules(Rule("a", "allow", Support, "refunds"));

        var version = Load(yaml).Version;

        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml))), version);
        Assert.Matches("^sha256:[0-9a-f]{64}$", version);
    }

    [Fact]
    public void Parse_SameContentTwice_SameVersion()
    {
        var yaml = Rules(Rule("a", "allow", Support, "refunds"));

        Assert.Equal(Load(yaml).Version, Load(yaml).Version);
    }

    [Theory]
    [InlineData("rules: []\n", "rules: [] \n")]
    [InlineData("rules: []\n", "# comment\nrules: []\n")]
    [InlineData("rules: []\n", "rules: []\r\n")]
    public void Parse_ContentChanged_VersionChanges(string before, string after)
    {
        Assert.NotEqual(Load(before).Version, Load(after).Version);
    }

    [Fact]
    public void Parse_ByteOrderMark_IsParsedAndHashed()
    {
        var plain = Encoding.UTF8.GetBytes("rules: []\n");
        byte[] withBom = [.. Encoding.UTF8.Preamble, .. plain];

        var result = PolicyParser.Parse(withBom);

        Assert.True(result.IsValid);
        Assert.NotEqual(PolicyParser.Parse(plain).Version, result.Version);
    }

    [Fact]
    public void Parse_InvalidUtf8_IsRejectedButVersioned()
    {
        byte[] bytes = [.. "rules: []\n# "u8, 0xC3, 0x28];

        var result = PolicyParser.Parse(bytes);

        Assert.False(result.IsValid);
        Assert.Equal("the policy is not valid UTF-8", Assert.Single(result.Problems).Message);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)), result.Version);
    }

    [Fact]
    public void Parse_InvalidPolicy_StillReportsVersionOfRejectedBytes()
    {
        var result = PolicyParser.Parse("rules: 3\n");

        Assert.False(result.IsValid);
        Assert.StartsWith("sha256:", result.Version, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadFile_SameBytesAsText_SameVersionAndSourcePath()
    {
        var yaml = Rules(Rule("a", "allow", Support, "refunds"));
        var path = Path.Combine(_directory, "policy.yaml");
        await File.WriteAllBytesAsync(path, Encoding.UTF8.GetBytes(yaml));

        var sync = PolicyLoader.LoadFile(path);
        var async = await PolicyLoader.LoadFileAsync(path);

        Assert.Equal(Load(yaml).Version, sync.Snapshot!.Version);
        Assert.Equal(sync.Version, async.Snapshot!.Version);
        Assert.Equal(path, sync.Snapshot.SourcePath);
        Assert.Equal(path, async.SourcePath);
    }

    [Fact]
    public async Task LoadFile_MissingFile_ReportsProblemInsteadOfThrowing()
    {
        var path = Path.Combine(_directory, "missing.yaml");

        var sync = PolicyLoader.LoadFile(path);
        var async = await PolicyLoader.LoadFileAsync(path);

        foreach (var result in new[] { sync, async })
        {
            Assert.False(result.IsValid);
            Assert.Null(result.Version);
            var problem = Assert.Single(result.Problems);
            Assert.StartsWith("cannot read the policy file", problem.Message, StringComparison.Ordinal);
            Assert.Equal((path, 0, 0), (problem.File, problem.Line, problem.Column));
        }
    }

    [Fact]
    public async Task LoadFile_LargerThanCap_IsRejected()
    {
        var path = Path.Combine(_directory, "huge.yaml");
        await File.WriteAllTextAsync(path, "rules: []\n" + new string('#', PolicyParser.MaxPolicyBytes));

        var sync = PolicyLoader.LoadFile(path);
        var async = await PolicyLoader.LoadFileAsync(path);

        Assert.Contains("larger than", Assert.Single(sync.Problems).Message, StringComparison.Ordinal);
        Assert.Contains("larger than", Assert.Single(async.Problems).Message, StringComparison.Ordinal);
    }
}
