using Mandate.Core.Spiffe;

namespace Mandate.Core.Tests.Spiffe;

public sealed class ResolvedPathTests
{
    [Fact]
    public void Of_PlainFile_IsItself()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tool"), "");

        Assert.Equal(dir.File("tool"), ResolvedPath.Of(dir.File("tool")));
    }

    [Fact]
    public void Of_LinkToAFile_IsTheTarget()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tool-1.2"), "");
        File.CreateSymbolicLink(dir.File("tool"), "tool-1.2");

        Assert.Equal(dir.File("tool-1.2"), ResolvedPath.Of(dir.File("tool")));
    }

    [Fact]
    public void Of_FileUnderALinkedFolderAndAChainOfLinks_FollowsEveryLink()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("usr", "bin"));
        File.WriteAllText(dir.File("usr", "bin", "tool-1.2"), "");
        File.CreateSymbolicLink(dir.File("usr", "bin", "tool-1"), "tool-1.2");
        File.CreateSymbolicLink(dir.File("usr", "bin", "tool"), dir.File("usr", "bin", "tool-1"));
        Directory.CreateSymbolicLink(dir.File("bin"), "usr/bin");

        Assert.Equal(dir.File("usr", "bin", "tool-1.2"), ResolvedPath.Of(dir.File("bin", "tool")));
    }

    [Fact]
    public void Of_RelativeTargetClimbingOut_IsReadFromTheLinksFolder()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("opt", "bin"));
        Directory.CreateDirectory(dir.File("lib"));
        File.WriteAllText(dir.File("lib", "tool"), "");
        File.CreateSymbolicLink(dir.File("opt", "bin", "tool"), "../../lib/tool");

        Assert.Equal(dir.File("lib", "tool"), ResolvedPath.Of(dir.File("opt", "bin", "tool")));
    }

    [Fact]
    public void Of_MissingPathOrLinkLoop_IsNull()
    {
        using var dir = new TempDirectory();
        File.CreateSymbolicLink(dir.File("a"), "b");
        File.CreateSymbolicLink(dir.File("b"), "a");

        Assert.Null(ResolvedPath.Of(dir.File("missing", "tool")));
        Assert.Null(ResolvedPath.Of(dir.File("a")));
    }
}
