<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%n decision(s) saving…</source>
        <translation>
            <numerusform>%n decision saving…</numerusform>
            <numerusform>%n decisions saving…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReviewSession</name>
    <message numerus="yes">
        <source>Not saved yet: %1 — %n decision(s) kept and retried automatically.</source>
        <translation>
            <numerusform>Not saved yet: %1 — %n decision kept and retried automatically.</numerusform>
            <numerusform>Not saved yet: %1 — %n decisions kept and retried automatically.</numerusform>
        </translation>
    </message>
</context>
</TS>
