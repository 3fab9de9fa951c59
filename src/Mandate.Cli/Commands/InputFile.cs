namespace Mandate.Cli.Commands;

/// <summary>
/// A file the operator named on the command line (<c>--checkpoint</c>, <c>--archive</c>, the policy file): when it is
/// missing or cannot be read, nothing was checked, so it is a usage error (exit 2) naming the option and the file, never a
/// verdict on the audit chain or the policy. What the file holds is for the command to judge.
/// </summary>
internal static class InputFile
{
    /// <summary>True when <paramref name="path"/> is a file this process can open for reading; otherwise says why and returns false.</summary>
    public static bool IsReadable(string option, string path)
    {
        if (Directory.Exists(path))
        {
            return Refuse(option, path, "is a folder; give the file itself");
        }

        try
        {
            using var stream = File.OpenRead(path);
            return true;
        }
        catch (FileNotFoundException)
        {
            return Refuse(option, path, "does not exist; check the path");
        }
        catch (DirectoryNotFoundException)
        {
            return Refuse(option, path, "does not exist (nor does its folder); check the path");
        }
        catch (UnauthorizedAccessException e)
        {
            return Refuse(option, path, $"cannot be read: {e.Message.ReplaceLineEndings(" ")}");
        }
        catch (IOException e)
        {
            return Refuse(option, path, $"cannot be read: {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    private static bool Refuse(string option, string path, string why)
    {
        Output.Error($"{option}: {path} {why}");
        return false;
    }
}
