using System.Text;
using System.Text.RegularExpressions;
using DistaHilar.Core.Auth.Passwords;
using Konscious.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace DistaHilar.Tests.Unit;

public sealed class PasswordHasherTests
{
    private const string Password = "correct horse battery staple";
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    // Small but valid costs, written here with the library directly: what an older, cheaper setting would have stored.
    private const string OldPassword = "hunter2";
    private const string OldCosts = "m=64,t=1,p=1";
    private static readonly string OldHash = Phc(OldPassword, Enumerable.Range(1, 16).Select(i => (byte)i).ToArray(), 64, 1, 1);

    private static readonly PasswordHasher Hasher = new(Options.Create(new PasswordOptions()));

    [Fact]
    public void A_hash_verifies_with_its_password()
    {
        var hash = Hasher.Hash(Password);

        Assert.Equal(PasswordVerification.Succeeded, Hasher.Verify(Password, hash));
    }

    [Fact]
    public void A_wrong_password_fails()
    {
        var hash = Hasher.Hash(Password);

        Assert.Equal(PasswordVerification.Failed, Hasher.Verify("correct horse battery staplE", hash));
        Assert.Equal(PasswordVerification.Failed, Hasher.Verify(Password + " ", hash));
        Assert.Equal(PasswordVerification.Failed, Hasher.Verify("", hash));
    }

    [Fact]
    public void The_hash_is_a_PHC_string_of_the_UTF8_password_with_the_configured_costs()
    {
        const string password = "pässwörd 🔑";

        var hash = Hasher.Hash(password);

        var match = Regex.Match(hash, @"^\$argon2id\$v=19\$m=19456,t=2,p=1\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})$");
        Assert.True(match.Success, hash);
        var salt = Convert.FromBase64String(match.Groups[1].Value + "==");
        Assert.Equal(16, salt.Length);
        Assert.Equal(Phc(password, salt, 19456, 2, 1), hash);
    }

    [Fact]
    public void Each_hash_has_its_own_salt()
    {
        var first = Hasher.Hash(Password);
        var second = Hasher.Hash(Password);

        Assert.NotEqual(first, second);
        Assert.NotEqual(first.Split('$')[4], second.Split('$')[4]);
        Assert.Equal(PasswordVerification.Succeeded, Hasher.Verify(Password, second));
    }

    [Fact]
    public void A_hash_with_other_costs_verifies_and_asks_for_a_rehash()
    {
        Assert.Equal(PasswordVerification.SucceededRehashNeeded, Hasher.Verify(OldPassword, OldHash));
        Assert.Equal(PasswordVerification.Failed, Hasher.Verify("hunter3", OldHash));

        var twoLanes = new PasswordHasher(Options.Create(new PasswordOptions { Parallelism = 2 }));
        var hash = twoLanes.Hash(Password);
        Assert.Contains("$m=19456,t=2,p=2$", hash, StringComparison.Ordinal);
        Assert.Equal(PasswordVerification.Succeeded, twoLanes.Verify(Password, hash));
        Assert.Equal(PasswordVerification.SucceededRehashNeeded, Hasher.Verify(Password, hash));
    }

    [Fact]
    public void Tells_whether_a_hash_uses_the_current_costs()
    {
        var hash = Hasher.Hash(Password);

        Assert.True(PasswordHasher.UsesParameters(hash, new PasswordOptions()));
        Assert.False(PasswordHasher.UsesParameters(hash, new PasswordOptions { Iterations = 3 }));
        Assert.False(PasswordHasher.UsesParameters(OldHash, new PasswordOptions()));
        Assert.False(PasswordHasher.UsesParameters("$argon2id$", new PasswordOptions()));
        Assert.False(PasswordHasher.UsesParameters(null, new PasswordOptions()));
    }

    [Fact]
    public void No_stored_hash_fails_after_doing_the_same_work()
    {
        Assert.Equal(PasswordVerification.Failed, Hasher.Verify(Password, null));
        Assert.Equal(PasswordVerification.Failed, Hasher.Verify("", null));
    }

    [Fact]
    public void An_empty_password_is_not_hashed() =>
        Assert.Throws<ArgumentException>(() => Hasher.Hash(""));

    public static TheoryData<string, string> Malformed()
    {
        var parts = OldHash.Split('$'); // "", "argon2id", "v=19", costs, salt, tag
        var salt = parts[4];
        var tag = parts[5];
        var costs = $"${OldCosts}$";
        var lastTagChar = Alphabet[Alphabet.IndexOf(tag[^1], StringComparison.Ordinal) | 1];
        return new TheoryData<string, string>
        {
            { "empty", "" },
            { "not PHC", "hunter2" },
            { "argon2i", OldHash.Replace("$argon2id$", "$argon2i$", StringComparison.Ordinal) },
            { "argon2d", OldHash.Replace("$argon2id$", "$argon2d$", StringComparison.Ordinal) },
            { "upper case", OldHash.Replace("$argon2id$", "$ARGON2ID$", StringComparison.Ordinal) },
            { "version 16", OldHash.Replace("$v=19$", "$v=16$", StringComparison.Ordinal) },
            { "no version", OldHash.Replace("$v=19$", "$", StringComparison.Ordinal) },
            { "huge m", OldHash.Replace(costs, "$m=4194304,t=1,p=1$", StringComparison.Ordinal) },
            { "m just over 1 GiB", OldHash.Replace(costs, "$m=1048577,t=1,p=1$", StringComparison.Ordinal) },
            { "huge t", OldHash.Replace(costs, "$m=64,t=1000000,p=1$", StringComparison.Ordinal) },
            { "m under 8p", OldHash.Replace(costs, "$m=8,t=1,p=2$", StringComparison.Ordinal) },
            { "t zero", OldHash.Replace(costs, "$m=64,t=0,p=1$", StringComparison.Ordinal) },
            { "p zero", OldHash.Replace(costs, "$m=64,t=1,p=0$", StringComparison.Ordinal) },
            { "leading zero", OldHash.Replace(costs, "$m=064,t=1,p=1$", StringComparison.Ordinal) },
            { "plus sign", OldHash.Replace(costs, "$m=+64,t=1,p=1$", StringComparison.Ordinal) },
            { "int overflow", OldHash.Replace(costs, "$m=99999999999,t=1,p=1$", StringComparison.Ordinal) },
            { "costs reordered", OldHash.Replace(costs, "$t=1,m=64,p=1$", StringComparison.Ordinal) },
            { "extra field", OldHash.Replace(costs, "$m=64,t=1,p=1,keyid=abc$", StringComparison.Ordinal) },
            { "cost missing", OldHash.Replace(costs, "$m=64,t=1$", StringComparison.Ordinal) },
            { "cost changed", OldHash.Replace(costs, "$m=64,t=2,p=1$", StringComparison.Ordinal) },
            { "no salt", $"$argon2id$v=19${OldCosts}${tag}" },
            { "no tag", $"$argon2id$v=19${OldCosts}${salt}" },
            { "trailing $", OldHash + "$" },
            { "extra part", OldHash + "$" + tag },
            { "padding", OldHash + "=" },
            { "URL-safe base64", OldHash[..^1] + "_" },
            { "space in base64", OldHash.Replace(salt, salt[..4] + " " + salt[4..], StringComparison.Ordinal) },
            { "impossible base64 length", OldHash + "AA" },
            { "unused bits set", OldHash[..^1] + lastTagChar },
            { "salt too short", OldHash.Replace(salt, "AAAAAA", StringComparison.Ordinal) },
            { "tag too short", $"$argon2id$v=19${OldCosts}${salt}${tag[..11]}" },
            { "tag tampered", OldHash.Replace(tag, (tag[0] == 'A' ? "B" : "A") + tag[1..], StringComparison.Ordinal) },
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_or_tampered_hash_fails_without_throwing(string what, string hash)
    {
        Assert.Equal(PasswordVerification.SucceededRehashNeeded, Hasher.Verify(OldPassword, OldHash));
        Assert.True(Hasher.Verify(OldPassword, hash) == PasswordVerification.Failed, what);
    }

    [Fact]
    public void The_defaults_are_the_OWASP_minimum_and_valid()
    {
        var options = new PasswordOptions();

        Assert.Equal((19456, 2, 1), (options.MemoryKiB, options.Iterations, options.Parallelism));
        Assert.True(new PasswordOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData(19455, 2, 1, "Passwords__MemoryKiB")]
    [InlineData(19456, 1, 1, "Passwords__Iterations")]
    [InlineData(19456, 2, 0, "Passwords__Parallelism")]
    [InlineData(1024 * 1024 + 1, 2, 1, "Passwords__MemoryKiB")]
    [InlineData(19456, 17, 1, "Passwords__Iterations")]
    [InlineData(19456, 2, 17, "Passwords__Parallelism")]
    public void Costs_below_the_minimum_or_absurdly_high_are_refused(int memoryKiB, int iterations, int parallelism, string setting)
    {
        var options = new PasswordOptions { MemoryKiB = memoryKiB, Iterations = iterations, Parallelism = parallelism };

        var result = new PasswordOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(setting, result.FailureMessage, StringComparison.Ordinal);
        var refused = Assert.Throws<OptionsValidationException>(() => new PasswordHasher(Options.Create(options)));
        Assert.Contains(setting, refused.Message, StringComparison.Ordinal);
    }

    // RFC 9106 section 5.3: proves the library computes real Argon2id (v=19), lanes and all.
    [Fact]
    public void The_library_matches_the_RFC_9106_Argon2id_test_vector()
    {
        using var argon2 = new Argon2id(Filled(32, 0x01))
        {
            Salt = Filled(16, 0x02),
            KnownSecret = Filled(8, 0x03),
            AssociatedData = Filled(12, 0x04),
            Iterations = 3,
            MemorySize = 32,
            DegreeOfParallelism = 4,
        };

        Assert.Equal(
            Convert.FromHexString("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"),
            argon2.GetBytes(32));
    }

    private static byte[] Filled(int length, byte value) => Enumerable.Repeat(value, length).ToArray();

    // An independent writer of the documented format, straight from the library.
    private static string Phc(string password, byte[] salt, int memoryKiB, int iterations, int parallelism)
    {
        using var argon2 = new Argon2id(Encoding.UTF8.GetBytes(password))
        {
            Salt = salt,
            MemorySize = memoryKiB,
            Iterations = iterations,
            DegreeOfParallelism = parallelism,
        };
        var tag = argon2.GetBytes(32);
        return $"$argon2id$v=19$m={memoryKiB},t={iterations},p={parallelism}${B64(salt)}${B64(tag)}";
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');
}

public sealed class Argon2idDerivationTests
{
    public static TheoryData<int, int, int, int> Costs() => new()
    {
        { 19456, 2, 16, 32 },
        { 64, 1, 16, 16 },
        { 1024, 3, 16, 64 },
        { 8192, 1, 16, 32 },
    };

    /// <summary>The fast native path must give Konscious's bytes, or hashes would depend on which one made them.</summary>
    [Theory]
    [MemberData(nameof(Costs))]
    public void Libsodium_and_Konscious_compute_the_same_tag(int memoryKiB, int iterations, int saltBytes, int length)
    {
        var password = System.Security.Cryptography.RandomNumberGenerator.GetBytes(Random.Shared.Next(1, 100));
        var salt = System.Security.Cryptography.RandomNumberGenerator.GetBytes(saltBytes);
        var costs = new DistaHilar.Core.Auth.Passwords.Argon2Parameters(memoryKiB, iterations, 1);

        Assert.True(DistaHilar.Core.Auth.Passwords.Argon2idDerivation.CanUseSodium(salt, costs, length), "libsodium loads on this machine");
        Assert.Equal(
            Convert.ToHexString(DistaHilar.Core.Auth.Passwords.Argon2idDerivation.Konscious(password, salt, costs, length)),
            Convert.ToHexString(DistaHilar.Core.Auth.Passwords.Argon2idDerivation.Sodium(password, salt, costs, length)));
    }

    [Fact]
    public void Two_lanes_fall_back_to_Konscious() =>
        Assert.False(DistaHilar.Core.Auth.Passwords.Argon2idDerivation.CanUseSodium(new byte[16], new DistaHilar.Core.Auth.Passwords.Argon2Parameters(19456, 2, 2), 32));
}
