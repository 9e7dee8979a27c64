// SHOW GRANTS lines (MariaDB and MySQL forms) and the privileges beyond SELECT on a project's tables.
import { describe, expect, it } from 'vitest';
import { excessPrivileges, parseGrant } from '../../src/privileges/grants.js';

const project = { database: 'TOR-BGO-150KingW', tables: ['extraction_cycle', 'TL_measures'] };

describe('parseGrant', () => {
  it('reads privileges, scope and grant option', () => {
    expect(parseGrant("GRANT USAGE ON *.* TO `u`@`%` IDENTIFIED BY PASSWORD '*AB12'")).toMatchObject({
      privileges: ['USAGE'],
      database: '*',
      table: '*',
      withGrantOption: false,
    });
    expect(
      parseGrant('GRANT SELECT, INSERT, UPDATE (`point_value`) ON `TOR-BGO-150KingW`.`TL_measures` TO `u`@`%`'),
    ).toMatchObject({
      privileges: ['SELECT', 'INSERT', 'UPDATE (`point_value`)'],
      database: 'TOR-BGO-150KingW',
      table: 'TL_measures',
    });
    expect(parseGrant("GRANT ALL PRIVILEGES ON *.* TO 'root'@'localhost' WITH GRANT OPTION")).toMatchObject({
      privileges: ['ALL PRIVILEGES'],
      withGrantOption: true,
    });
    expect(parseGrant('GRANT select ON db.t TO u@h')).toMatchObject({
      privileges: ['SELECT'],
      database: 'db',
      table: 't',
    });
    expect(parseGrant('GRANT SELECT ON `we``ird`.* TO u')).toMatchObject({ database: 'we`ird', table: '*' });
  });

  it('skips what is not a privilege on tables: roles, PROXY', () => {
    expect(parseGrant('GRANT `reader_role` TO `u`@`%`')).toBeUndefined();
    expect(parseGrant("GRANT PROXY ON ''@'%' TO 'root'@'localhost' WITH GRANT OPTION")).toBeUndefined();
  });
});

describe('excessPrivileges', () => {
  it('is empty for a least-privilege user', () => {
    const lines = [
      "GRANT USAGE ON *.* TO `dbp`@`%` IDENTIFIED BY PASSWORD '*AB12'",
      'GRANT SELECT ON `TOR-BGO-150KingW`.`extraction_cycle` TO `dbp`@`%`',
      'GRANT SELECT ON `TOR-BGO-150KingW`.`TL_measures` TO `dbp`@`%`',
      'GRANT SELECT, INSERT ON `other_db`.* TO `dbp`@`%`',
      'GRANT ALL PRIVILEGES ON `TOR-BGO-150KingW`.`unrelated` TO `dbp`@`%`',
    ];
    expect(excessPrivileges(lines, project)).toEqual({ privileges: [], grants: [] });
  });

  it('names each privilege beyond SELECT that reaches the tables, and the grants giving them', () => {
    const lines = [
      "GRANT PROCESS ON *.* TO `dbp`@`%` IDENTIFIED BY PASSWORD '*AB12'",
      'GRANT SELECT, INSERT, DELETE ON `TOR-BGO-150KingW`.* TO `dbp`@`%` WITH GRANT OPTION',
      'GRANT UPDATE (`point_value`) ON `TOR-BGO-150KingW`.`TL_measures` TO `dbp`@`%`',
    ];
    expect(excessPrivileges(lines, project)).toEqual({
      privileges: ['PROCESS', 'INSERT', 'DELETE', 'GRANT OPTION', 'UPDATE (`point_value`)'],
      grants: [
        'GRANT PROCESS ON *.* TO `dbp`@`%`',
        'GRANT SELECT, INSERT, DELETE ON `TOR-BGO-150KingW`.* TO `dbp`@`%` WITH GRANT OPTION',
        'GRANT UPDATE (`point_value`) ON `TOR-BGO-150KingW`.`TL_measures` TO `dbp`@`%`',
      ],
    });
  });

  it('applies database patterns as the server does', () => {
    expect(excessPrivileges(['GRANT INSERT ON `TOR-BGO-%`.* TO u'], project).privileges).toEqual(['INSERT']);
    expect(excessPrivileges(['GRANT INSERT ON `TOR\\_BGO%`.* TO u'], project).privileges).toEqual([]);
    expect(excessPrivileges(['GRANT ALL ON *.* TO u'], project).privileges).toEqual(['ALL PRIVILEGES']);
  });
});
