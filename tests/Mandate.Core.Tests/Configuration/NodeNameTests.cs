using Mandate.Core.Configuration;

namespace Mandate.Core.Tests.Configuration;

/// <summary>Which name a node goes by: the flag, then MANDATE_NODE, then the file, then the machine name.</summary>
public sealed class NodeNameTests
{
    private static readonly MandateOptions Configured = new() { Node = "from-file" };

    [Fact]
    public void Default_IsTheMachineName()
    {
        Assert.Equal(Environment.MachineName.ToLowerInvariant(), new MandateOptions().Node);
    }

    [Fact]
    public void Apply_NoFlagNoVariable_KeepsTheConfiguredName()
    {
        Assert.Equal("from-file", NodeName.Apply(Configured, null, _ => null).Node);
    }

    [Fact]
    public void Apply_Variable_OverridesTheFile()
    {
        var options = NodeName.Apply(Configured, null, name => name == NodeName.EnvironmentVariable ? "node-b" : null);

        Assert.Equal("node-b", options.Node);
    }

    [Fact]
    public void Apply_Flag_OverridesTheVariable()
    {
        var options = NodeName.Apply(Configured, "node-c", _ => "node-b");

        Assert.Equal("node-c", options.Node);
    }

    [Theory]
    [InlineData("")]
    [InlineData("node a")]
    [InlineData("node/a")]
    public void Apply_BadFlag_RefusedNamingTheFlag(string flag)
    {
        var e = Assert.Throws<MandateConfigException>(() => NodeName.Apply(Configured, flag, _ => null));

        Assert.Contains("--node", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_BadVariable_RefusedNamingTheVariable()
    {
        var e = Assert.Throws<MandateConfigException>(() => NodeName.Apply(Configured, null, _ => new string('n', 64)));

        Assert.Contains(NodeName.EnvironmentVariable, e.Message, StringComparison.Ordinal);
    }
}
