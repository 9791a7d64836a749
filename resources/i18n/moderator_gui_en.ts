<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>ClusterStrip</name>
    <message numerus="yes">
        <source>%n other item(s) with this picture (%1 undecided)</source>
        <translation>
            <numerusform>%n other item with this picture (%1 undecided)</numerusform>
            <numerusform>%n other items with this picture (%1 undecided)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%n decision(s) saving…</source>
        <translation>
            <numerusform>%n decision saving…</numerusform>
            <numerusform>%n decisions saving…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Saving %n decision(s) before closing…</source>
        <translation>
            <numerusform>Saving %n decision before closing…</numerusform>
            <numerusform>Saving %n decisions before closing…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>QuitConfirmation</name>
    <message numerus="yes">
        <source>%n decision(s) could not be saved in the database yet:
%1

They are kept on this computer and will be saved the next time Moderator opens this database. Until then they are not in the team&apos;s logs or statistics. Quit now?</source>
        <translation>
            <numerusform>%n decision could not be saved in the database yet:
%1

It is kept on this computer and will be saved the next time Moderator opens this database. Until then it is not in the team&apos;s logs or statistics. Quit now?</numerusform>
            <numerusform>%n decisions could not be saved in the database yet:
%1

They are kept on this computer and will be saved the next time Moderator opens this database. Until then they are not in the team&apos;s logs or statistics. Quit now?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n decision(s) could not be saved yet:
%1

Quit anyway? They will be lost.</source>
        <translation>
            <numerusform>%n decision could not be saved yet:
%1

Quit anyway? It will be lost.</numerusform>
            <numerusform>%n decisions could not be saved yet:
%1

Quit anyway? They will be lost.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReviewSession</name>
    <message numerus="yes">
        <source>Not saved yet: %1 — %n decision(s) kept on this computer and retried automatically.</source>
        <translation>
            <numerusform>Not saved yet: %1 — %n decision kept on this computer and retried automatically.</numerusform>
            <numerusform>Not saved yet: %1 — %n decisions kept on this computer and retried automatically.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Not saved yet: %1 — %n decision(s) kept and retried, but only in memory (%2): do not quit.</source>
        <translation>
            <numerusform>Not saved yet: %1 — %n decision kept and retried, but only in memory (%2): do not quit.</numerusform>
            <numerusform>Not saved yet: %1 — %n decisions kept and retried, but only in memory (%2): do not quit.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Not saved yet: %1 — %n decision(s) kept and retried automatically.</source>
        <translation>
            <numerusform>Not saved yet: %1 — %n decision kept and retried automatically.</numerusform>
            <numerusform>Not saved yet: %1 — %n decisions kept and retried automatically.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Saving %n decision(s) made earlier on this computer that the database could not take then.</source>
        <translation>
            <numerusform>Saving %n decision made earlier on this computer that the database could not take then.</numerusform>
            <numerusform>Saving %n decisions made earlier on this computer that the database could not take then.</numerusform>
        </translation>
    </message>
</context>
</TS>
