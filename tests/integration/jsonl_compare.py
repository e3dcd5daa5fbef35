#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
"""Compares report.xml and report.jsonl of one run (report_jsonl.sh).

usage: jsonl_compare.py REPORT.xml REPORT.jsonl [SCHEMA.json]

Both are converted to the same shape -- per flow the <fileobject> fields
and the scanners' elements in order, then the summary -- and must be
equal.  Each jsonl line must be valid UTF-8 and, given a schema, valid
against it.  Exit 0 when equal; the first difference is printed.
"""
import json
import sys
import xml.etree.ElementTree as ET

NS = '{http://afflib.org/tcpflow/}'
FIELDS_INT = {'filesize', 'family', 'srcport', 'dstport', 'packets', 'out_of_order_count',
              'violations', 'len', 'caplen', 'vlan', 'session_id'}


def qname(tag):
    """ElementTree's {uri}local back to the prefix the report uses."""
    return 'tcpflow:' + tag[len(NS):] if tag.startswith(NS) else tag


def xml_time(v):
    # report.xml leaves out ".000000"; report.jsonl always has it.
    return v if '.' in v else v[:-1] + '.000000Z'


def xml_element(e):
    out = {'element': qname(e.tag)}
    if e.attrib:
        out['attributes'] = {qname(k): v for k, v in e.attrib.items()}
    kids = list(e)
    # The writer indents between child elements, so in mixed content only
    # text before the first child and after each child is the scanner's,
    # less that indentation.
    text = (e.text or '') + ''.join(k.tail or '' for k in kids)
    if kids:
        text = text.strip(' \n')
    if text:
        out['text'] = text
    if kids:
        out['children'] = [xml_element(k) for k in kids]
    return out


def xml_flows(root):
    flows = []
    for fo in root.iter('fileobject'):
        if fo.find('tcpflow') is None:
            continue  # an http body's nested fileobject
        f = {'type': 'flow'}
        elements = []
        for c in fo:
            if c.tag == 'filename':
                f['filename'] = c.text or ''
            elif c.tag == 'filesize':
                f['filesize'] = int(c.text)
            elif c.tag == 'tcpflow':
                for k, v in c.attrib.items():
                    f[k] = int(v) if k in FIELDS_INT else xml_time(v) if k.endswith('time') else v
            else:
                elements.append(xml_element(c))
        digests = {}
        for el in elements:
            if el['element'] == 'hashdigest' and 'type' in el.get('attributes', {}) \
                    and 'text' in el and 'children' not in el:
                digests[el['attributes']['type'].lower()] = el['text']
        if digests:
            f['digests'] = digests
        f['elements'] = elements
        flows.append(f)
    return flows


def jsonl_flow(o):
    o = dict(o)
    elements = []
    for name, els in o.pop('scanners', {}).items():
        elements.extend(els)
    o['elements'] = elements
    return o


def main():
    xml_path, jsonl_path = sys.argv[1], sys.argv[2]
    validator = None
    if len(sys.argv) > 3:
        import jsonschema
        schema = json.load(open(sys.argv[3]))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
    lines = []
    with open(jsonl_path, 'rb') as fp:
        for n, raw in enumerate(fp, 1):
            text = raw.decode('utf-8')  # raises on invalid UTF-8
            obj = json.loads(text)
            if validator:
                errs = sorted(validator.iter_errors(obj), key=str)
                if errs:
                    sys.exit('%s:%d: %s' % (jsonl_path, n, errs[0].message))
            lines.append(obj)
    if not lines or lines[-1].get('type') != 'summary':
        sys.exit('the last line is not the summary')
    if any(o.get('type') != 'flow' for o in lines[:-1]):
        sys.exit('a line before the last is not a flow')
    root = ET.parse(xml_path).getroot()
    xf = xml_flows(root)
    jf = [jsonl_flow(o) for o in lines[:-1]]
    if len(xf) != len(jf):
        sys.exit('%d flows in report.xml, %d in report.jsonl' % (len(xf), len(jf)))
    for i, (a, b) in enumerate(zip(xf, jf)):
        if a != b:
            for k in sorted(set(a) | set(b)):
                if a.get(k) != b.get(k):
                    sys.exit('flow %d (%s): %s: xml %r, jsonl %r'
                             % (i, a.get('filename'), k, a.get(k), b.get(k)))
    s = lines[-1]
    summ = root.find('summary')
    want_fail = [dict(e.attrib, **({'filename': e.get('filename')} if e.get('filename') else {}))
                 for e in summ.findall('scanner_failure')]
    got_fail = s.get('scanner_failures', [])
    if want_fail != got_fail:
        sys.exit('scanner failures: xml %r, jsonl %r' % (want_fail, got_fail))
    want_sc = [xml_element(e) for e in summ if e.tag != 'scanner_failure']
    got_sc = jsonl_flow(s)['elements']
    if want_sc != got_sc:
        sys.exit('summary scanner output: xml %r, jsonl %r' % (want_sc[:2], got_sc[:2]))
    for k in ('total_flows', 'total_packets', 'flow_map_size', 'max_open_flows'):
        if int(root.find(k).text) != s[k]:
            sys.exit('%s: xml %s, jsonl %s' % (k, root.find(k).text, s[k]))
    frames = {k: int(v) for k, v in root.find('frames').attrib.items()}
    if frames != s['frames']:
        sys.exit('frames: xml %r, jsonl %r' % (frames, s['frames']))
    if root.find('.//command_line').text != s['command_line']:
        sys.exit('command_line differs')
    print('%d flows equal' % len(jf))


main()
