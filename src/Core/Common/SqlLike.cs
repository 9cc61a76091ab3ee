using System.Text;

namespace DistaHilar.Core.Common;

/// <summary>LIKE patterns from user input, with its wildcards escaped: a search for "50%" means the text "50%".</summary>
public static class SqlLike
{
    public static string Contains(string text) => "%" + Escape(text) + "%";

    public static string StartsWith(string text) => Escape(text) + "%";

    private static string Escape(string text) =>
        new StringBuilder(text).Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_").ToString();
}
