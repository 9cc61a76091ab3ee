using System.Reflection;
using DistaHilar.Core.Auth;
using DistaHilar.Core.Auth.Passwords;
using DistaHilar.Core.Data;
using DistaHilar.Core.Health;
using DistaHilar.Core.RateLimiting;
using DistaHilar.DevHost;

namespace DistaHilar.Tests.Unit;

/// <summary>local.settings.example.json is the list of settings ops and developers read: it must be complete.</summary>
public sealed class SettingsDocumentationTests
{
    private static readonly HashSet<string> MayBeEmpty =
    [
        "SignalR__ConnectionString", "Media__Cloudinary__CloudName", "Media__Cloudinary__ApiKey", "Media__Cloudinary__ApiSecret",
    ];

    public static TheoryData<string> SettingsTheAppReads()
    {
        var keys = new TheoryData<string> { "AzureWebJobsStorage", "FUNCTIONS_WORKER_RUNTIME" };
        foreach (var (section, type) in new[]
                 {
                     (DatabaseOptions.Section, typeof(DatabaseOptions)),
                     (HealthOptions.Section, typeof(HealthOptions)),
                     (AuthOptions.Section, typeof(AuthOptions)),
                     (PasswordOptions.Section, typeof(PasswordOptions)),
                     (RateLimitOptions.Section, typeof(RateLimitOptions)),
                     (DistaHilar.Core.Realtime.SignalROptions.Section, typeof(DistaHilar.Core.Realtime.SignalROptions)),
                     (DistaHilar.Core.Updates.UpdatesOptions.Section, typeof(DistaHilar.Core.Updates.UpdatesOptions)),
                     (DistaHilar.Core.Media.MediaOptions.Section, typeof(DistaHilar.Core.Media.MediaOptions)),
                     (DistaHilar.Core.Media.CloudinaryOptions.Section, typeof(DistaHilar.Core.Media.CloudinaryOptions)),
                 })
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                var key = $"{section.Replace(":", "__", StringComparison.Ordinal)}__{property.Name}";
                // A settings object of ours (a rate limit's Burst and PerMinute) is documented by each of its settings.
                var nested = property.PropertyType.Namespace?.StartsWith("DistaHilar", StringComparison.Ordinal) == true && property.PropertyType.IsClass
                    ? property.PropertyType.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToList()
                    : [];
                if (nested.Count == 0)
                {
                    keys.Add(key);
                }

                foreach (var inner in nested)
                {
                    keys.Add($"{key}__{inner.Name}");
                }
            }
        }

        return keys;
    }

    [Theory]
    [MemberData(nameof(SettingsTheAppReads))]
    public void The_example_settings_list_every_setting(string key)
    {
        var example = Path.Combine(DistaHilar.LocalServices.RepoRoot.Find(), "local.settings.example.json");
        var folder = Directory.CreateTempSubdirectory("settings").FullName;
        try
        {
            File.Copy(example, Path.Combine(folder, "local.settings.json"));

            var values = LocalSettings.Load(folder, overrides: null);

            // A list setting (Auth__SigningKeys) is documented by its first element's keys.
            var documented = values.Where(v => v.Key == key || v.Key.StartsWith(key + "__0__", StringComparison.Ordinal)).ToList();
            Assert.True(documented.Count > 0, $"{key} is missing from local.settings.example.json");
            // Only these may be empty: no SignalR connection string means realtime is off, no Cloudinary cloud name
            // means media live in Blob Storage (and then no Cloudinary key or secret is needed).
            Assert.All(documented.Where(v => !MayBeEmpty.Contains(v.Key)), v => Assert.False(string.IsNullOrWhiteSpace(v.Value)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
