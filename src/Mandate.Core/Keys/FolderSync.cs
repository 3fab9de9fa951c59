using System.Runtime.InteropServices;

namespace Mandate.Core.Keys;

/// <summary>
/// Flushes a folder's entries to disk (POSIX <c>fsync</c> on the folder itself), so a file just created or renamed in it
/// survives a crash or power cut; flushing the file alone does not write the entry that names it. A no-op on Windows,
/// whose file system commits a rename's metadata with it.
/// </summary>
internal static class FolderSync
{
    private const int ReadOnly = 0; // O_RDONLY: a folder can be opened for reading and fsynced

    public static void Flush(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = Native.open(folder, ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"cannot open folder {folder} to flush it to disk: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        try
        {
            if (Native.fsync(fd) != 0)
            {
                throw new IOException($"cannot flush folder {folder} to disk: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }
        }
        finally
        {
            _ = Native.close(fd);
        }
    }

    private static class Native
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
