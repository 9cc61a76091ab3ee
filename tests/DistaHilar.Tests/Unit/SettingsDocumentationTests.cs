using System.Reflection;
using DistaHilar.Core.Data;
using DistaHilar.Core.Health;
using DistaHilar.DevHost;

namespace DistaHilar.Tests.Unit;

/// <summary>local.settings.example.json is the list of settings ops and developers read: it must be complete.</summary>
public sealed class SettingsDocumentationTests
{
    public static TheoryData<string> SettingsTheAppReads()
    {
        var keys = new TheoryData<string> { "AzureWebJobsStorage", "FUNCTIONS_WORKER_RUNTIME" };
        foreach (var (section, type) in new[] { (DatabaseOptions.Section, typeof(DatabaseOptions)), (HealthOptions.Section, typeof(HealthOptions)) })
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                keys.Add($"{section}__{property.Name}");
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

            Assert.True(values.ContainsKey(key), $"{key} is missing from local.settings.example.json");
            Assert.False(string.IsNullOrWhiteSpace(values[key]));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
