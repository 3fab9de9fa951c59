using System.Globalization;
using System.Security.Cryptography;

namespace Mandate.Core.Spiffe;

/// <summary>
/// Turns kernel peer credentials (pid, uid, gid) into process attributes: the executable's path and SHA-256
/// from /proc/&lt;pid&gt;/exe (Linux). The hash is read through /proc/&lt;pid&gt;/exe itself, so it is the file the
/// process runs even if the path was replaced since. The process start time is read before and after, so
/// a pid that was reused meanwhile is refused rather than attributed to the wrong program.
/// </summary>
public sealed class UnixProcessAttestor
{
    private readonly string _procRoot;
    private readonly string _passwdPath;

    public UnixProcessAttestor(string procRoot = "/proc", string passwdPath = "/etc/passwd")
    {
        _procRoot = procRoot;
        _passwdPath = passwdPath;
    }

    /// <summary>Attests the process; returns null with a reason when its executable cannot be established.</summary>
    public ProcessAttributes? Attest(int pid, uint uid, uint gid, out string? failure)
    {
        failure = null;
        var proc = Path.Combine(_procRoot, pid.ToString(CultureInfo.InvariantCulture));
        var startedBefore = StartTime(proc);
        if (startedBefore is null)
        {
            failure = $"process {pid} exited before it could be attested";
            return null;
        }

        string? path;
        string? hash;
        try
        {
            var exe = Path.Combine(proc, "exe");
            path = new FileInfo(exe).LinkTarget;
            hash = path is null ? null : Hash(exe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failure = $"cannot read the executable of process {pid}: {e.Message}";
            return null;
        }

        // pid reuse: the pid must still name the process that started when we began.
        if (StartTime(proc) != startedBefore)
        {
            failure = $"process {pid} exited or was replaced while it was being attested";
            return null;
        }

        return new ProcessAttributes(pid, uid, gid, path, hash) { UserName = UserName(uid) };
    }

    /// <summary>
    /// Hashed on every attestation, never cached by path, size or time: a file renamed over the path with the
    /// same size and a reset mtime would otherwise inherit the trusted program's hash.
    /// </summary>
    private static string Hash(string exe)
    {
        using var stream = new FileStream(exe, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Field 22 of /proc/&lt;pid&gt;/stat (start time in clock ticks since boot), or null when the process is gone.</summary>
    private static string? StartTime(string proc)
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(proc, "stat"));
            // The command name (field 2) is in parentheses and may hold spaces; count fields after its closing ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 ? fields[19] : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private string? UserName(uint uid)
    {
        try
        {
            var id = uid.ToString(CultureInfo.InvariantCulture);
            foreach (var line in File.ReadLines(_passwdPath))
            {
                var f = line.Split(':');
                if (f.Length > 2 && f[2] == id)
                {
                    return f[0];
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No passwd: unix:user selectors simply do not match.
        }

        return null;
    }
}
