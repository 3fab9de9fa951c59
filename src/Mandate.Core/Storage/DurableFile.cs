using System.Runtime.InteropServices;

namespace Mandate.Core.Storage;

/// <summary>
/// Puts a finished file in place so that it is either wholly there after a crash or not there at all: the temporary
/// file (written beside the target and flushed to disk) is moved to the target name, never over an existing file, then
/// the folder is flushed so the new name survives a power cut.
/// </summary>
internal static class DurableFile
{
    /// <summary>A fresh hidden name beside <paramref name="target"/> (same folder, so the move is a rename).</summary>
    public static string TemporaryNameFor(string target) =>
        Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6))}.partial");

    /// <summary>Moves the flushed <paramref name="temporary"/> to <paramref name="target"/>.</summary>
    /// <exception cref="IOException">The target exists (it is never replaced) or the move failed.</exception>
    public static void Publish(string temporary, string target)
    {
        File.Move(temporary, target, overwrite: false);
        SyncDirectory(Path.GetDirectoryName(target)!);
    }

    /// <summary>
    /// fsync(2) on the folder: the rename is durable only once the folder's entry is. .NET cannot open a folder as a
    /// file, hence libc. Windows (NTFS journals the rename) and a libc without these calls skip it.
    /// </summary>
    private static void SyncDirectory(string directory)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
        {
            return;
        }

        int fd;
        try
        {
            fd = NativeMethods.open(directory, 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return;
        }

        if (fd < 0)
        {
            throw new IOException($"cannot open the folder {directory} to flush it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (NativeMethods.fsync(fd) != 0)
            {
                throw new IOException($"cannot flush the folder {directory} to disk (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = NativeMethods.close(fd);
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int fsync(int fd);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int close(int fd);
    }
}
