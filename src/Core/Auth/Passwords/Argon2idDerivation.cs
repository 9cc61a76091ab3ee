using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;
using SodiumParameters = NSec.Cryptography.Argon2Parameters;

namespace DistaHilar.Core.Auth.Passwords;

/// <summary>
/// Computes Argon2id tags. libsodium (through NSec, which ships the native library for Linux, Windows and macOS)
/// runs the OWASP-minimum costs in about 30 ms here, five times faster than the managed Konscious implementation,
/// which stays as the fallback for what libsodium cannot do (more than one lane, unusual salt sizes) or where its
/// native library does not load. Both give the same bytes, so stored hashes do not depend on which one made them.
/// </summary>
public static class Argon2idDerivation
{
    private static readonly Lazy<bool> SodiumLoads = new(() =>
    {
        try
        {
            return Sodium([1], new byte[16], new Argon2Parameters(64, 1, 1), 16).Length == 16;
        }
        catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException or PlatformNotSupportedException or EntryPointNotFoundException)
        {
            return false;
        }
    });

    public static byte[] Derive(string password, byte[] salt, Argon2Parameters parameters, int length)
    {
        var bytes = Encoding.UTF8.GetBytes(password);
        try
        {
            return CanUseSodium(salt, parameters, length) ? Sodium(bytes, salt, parameters, length) : Konscious(bytes, salt, parameters, length);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>libsodium's Argon2id takes one lane, a 16-byte salt (crypto_pwhash_SALTBYTES) and tags of 16+ bytes.</summary>
    public static bool CanUseSodium(byte[] salt, Argon2Parameters parameters, int length) =>
        parameters.Parallelism == 1 && salt.Length == 16 && length >= 16 && SodiumLoads.Value;

    public static byte[] Sodium(byte[] password, byte[] salt, Argon2Parameters parameters, int length) =>
        PasswordBasedKeyDerivationAlgorithm.Argon2id(SodiumCosts(parameters)).DeriveBytes(password, salt, length);

    public static byte[] Konscious(byte[] password, byte[] salt, Argon2Parameters parameters, int length)
    {
        using var argon2 = new global::Konscious.Security.Cryptography.Argon2id(password)
        {
            Salt = salt,
            MemorySize = parameters.MemoryKiB,
            Iterations = parameters.Iterations,
            DegreeOfParallelism = parameters.Parallelism,
        };
        return argon2.GetBytes(length);
    }

    private static SodiumParameters SodiumCosts(Argon2Parameters parameters) => new()
    {
        DegreeOfParallelism = parameters.Parallelism,
        MemorySize = parameters.MemoryKiB,
        NumberOfPasses = parameters.Iterations,
    };
}
