using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Mandate.Core.Storage;

/// <summary>
/// A file's identity on Unix: device and inode, as <c>stat(2)</c> reports them for a path (read on Linux without the
/// file's times, <see cref="FileStatus"/>). Two equal identities are the same file; a path whose identity changed
/// now names another file (the original was deleted or replaced, e.g. by <c>rm</c> or <c>mv backup.db mandate.db</c>):
/// the store and the admin socket use it to tell their own file from one put in its place. Windows refuses to delete a
/// file SQLite holds open, so there the check is not needed and <see cref="Of"/> returns null.
/// </summary>
public readonly record struct FileIdentity(ulong Device, ulong Inode)
{
    // Larger than struct stat on every supported platform (144 bytes on Linux x64, 128 on arm64, 144 on macOS).
    private const int StatBufferBytes = 256;

    /// <summary>The identity of the file at <paramref name="path"/>; null when it does not exist or the platform cannot say.</summary>
    public static FileIdentity? Of(string path)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
        {
            return null;
        }

        if (FileStatus.TryIdentity(path, out var device, out var inode))
        {
            return new FileIdentity(device, inode);
        }

        var buffer = new byte[StatBufferBytes];
        try
        {
            if (NativeMethods.Stat(path, buffer) != 0)
            {
                return null;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A C library without stat under either name: the check cannot run here, writes still can.
            return null;
        }

        var span = buffer.AsSpan();
        if (OperatingSystem.IsMacOS())
        {
            // Darwin (64-bit inode layout): dev_t st_dev (4 bytes), mode (2), nlink (2), ino_t st_ino (8).
            return new FileIdentity(BinaryPrimitives.ReadUInt32LittleEndian(span), BinaryPrimitives.ReadUInt64LittleEndian(span[8..]));
        }

        // Linux on 64-bit (x64 and arm64 alike): dev_t st_dev (8 bytes), then ino_t st_ino (8 bytes).
        return new FileIdentity(BinaryPrimitives.ReadUInt64LittleEndian(span), BinaryPrimitives.ReadUInt64LittleEndian(span[8..]));
    }

    private static class NativeMethods
    {
        private static bool s_legacyGlibc;

        public static int Stat(string path, byte[] buffer)
        {
            if (!s_legacyGlibc)
            {
                try
                {
                    return stat(path, buffer);
                }
                catch (EntryPointNotFoundException)
                {
                    // glibc before 2.33 exports stat only through __xstat.
                    s_legacyGlibc = true;
                }
            }

            return __xstat(RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 1 : 0, path, buffer);
        }

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        private static extern int stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] buffer);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        private static extern int __xstat(int version, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] buffer);
    }
}
